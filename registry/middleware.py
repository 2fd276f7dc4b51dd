from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from registry.tabular import MAX_UPLOAD_BYTES

# Room for the form fields and multipart framing around an upload of the largest size.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than any upload may be, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            message = _("The upload is too large: files of at most %(limit)s MB can be uploaded.")
            return HttpResponse(
                message % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


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
