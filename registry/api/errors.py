"""Every error of the API in one JSON shape, in the language of the request.

``{"status": 404, "code": "not_found", "detail": "…", "errors": {}}``: ``status`` repeats the
HTTP status, ``code`` is a stable English word to branch on, ``detail`` says what went wrong in
the request's language, and ``errors`` holds, for a 400, the messages per query parameter.

The language is the one the visitor chose on the site (the language cookie), else the first
supported one in ``Accept-Language``, else Dutch. The web pages do not read Accept-Language
(they are Dutch first), but an API client has no other way to ask.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

# What each kind of error says, by its code (DRF's ``default_code`` of the exception); a 404
# says what was not found (``not_found_message`` of the view, or the pagination's message).
MESSAGES = {
    "invalid": _("Some query parameters have values that the API does not know; see errors."),
    "not_found": _("There is nothing at this address in the API."),
    "method_not_allowed": _("The API can only be read: use GET."),
    "not_acceptable": _("The API answers in JSON only (application/json)."),
    "not_authenticated": _("This registry can only be read after signing in."),
    "permission_denied": _("This registry can only be read after signing in."),
}


def activate_request_language(request):
    """The cookie's language, else Accept-Language's, else Dutch (``LANGUAGE_CODE``)."""
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class ErrorSerializer(serializers.Serializer):
    """For the schema: what every error response holds."""

    status = serializers.IntegerField(help_text="The HTTP status code of the response.")
    code = serializers.CharField(
        help_text="What kind of error this is, in English: invalid, not_found, "
        "method_not_allowed, not_acceptable, not_authenticated, permission_denied."
    )
    detail = serializers.CharField(
        help_text="What went wrong, in the language of the request (Dutch or English)."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For a 400: per query parameter, what is wrong with its value. Else empty.",
    )


def field_errors(detail):
    """A ValidationError's messages per parameter, as lists of strings."""
    if not isinstance(detail, dict):
        return {"non_field_errors": [str(message) for message in detail]}
    return {
        name: [str(message) for message in (messages if isinstance(messages, list) else [messages])]
        for name, messages in detail.items()
    }


def exception_handler(exc, context):
    """DRF's exception handler, in the API's shape; None (a server error) for anything else."""
    if isinstance(exc, Http404):
        message = getattr(context["view"], "not_found_message", MESSAGES["not_found"])
        exc = exceptions.NotFound(message)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    code = exc.default_code
    errors = {}
    if isinstance(exc, exceptions.ValidationError):
        detail, errors = MESSAGES["invalid"], field_errors(exc.detail)
    elif isinstance(exc, exceptions.NotFound):
        detail = exc.detail
    else:
        detail = MESSAGES.get(code, exc.detail)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    body = {"status": exc.status_code, "code": code, "detail": str(detail), "errors": errors}
    return Response(body, status=exc.status_code, headers=headers)
