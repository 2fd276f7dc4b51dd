from django.contrib import admin
from django.urls import path

from registry.signin import views
from registry.signin.policy import is_signed_in


class RegistryAdminSite(admin.AdminSite):
    """Django's admin, open to active staff who signed in as the policy requires: with DEBUG
    off, with the password and then their authenticator app or a recovery code."""

    def has_permission(self, request):
        return super().has_permission(request) and is_signed_in(request.user)

    def login(self, request, extra_context=None):
        return views.SignInView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        """The start page with what staff need first (``registry.admin_dashboard``)."""
        from registry.admin_dashboard import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})

    def get_urls(self):
        # Setting up the second factor comes before the admin opens: not behind admin_view.
        setup = views.AuthenticatorSetupView.as_view(admin_site=self)
        two_factor = self.admin_view(views.TwoFactorView.as_view(admin_site=self))
        return [
            path("two-factor/", two_factor, name="two_factor"),
            path("two-factor/setup/", setup, name="two_factor_setup"),
            path("two-factor/qr/", views.QRCodeView.as_view(), name="two_factor_qr"),
            *super().get_urls(),
        ]
