from django.conf import settings
from rest_framework.permissions import BasePermission

from registry.signin.policy import is_signed_in


class PublicAccess(BasePermission):
    """Anyone may read, as on the public pages; with PUBLIC_LOGIN_REQUIRED on, signed-in users
    only (staff with their second factor where it is required). Writes are refused by the
    views themselves (405), which have no write methods."""

    def has_permission(self, request, view):
        return not settings.PUBLIC_LOGIN_REQUIRED or is_signed_in(request.user)
