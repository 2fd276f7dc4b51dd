from django.conf import settings
from rest_framework.permissions import BasePermission


class PublicAccess(BasePermission):
    """Anyone may read, as on the public pages; with PUBLIC_LOGIN_REQUIRED on, logged-in users
    only. Writes are refused by the views themselves (405), which have no write methods."""

    def has_permission(self, request, view):
        return not settings.PUBLIC_LOGIN_REQUIRED or request.user.is_authenticated
