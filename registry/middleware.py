from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose another language: the browser's language is not asked.

    The language comes from the URL prefix where there is one, else from the language cookie
    that the language switch sets, else it is ``LANGUAGE_CODE`` (Dutch).
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = translation.get_language_from_path(request.path_info)
        if language is None:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
