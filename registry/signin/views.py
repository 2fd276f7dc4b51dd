"""The sign-in, the setup of the authenticator app and the recovery codes, in the admin's look.

The views are django-two-factor-auth's, given the admin's context and templates, the
registry's forms (registry/signin/forms.py) and the registry's rules: staff only, the admin
index after signing in unless a safe ``next`` says otherwise, and a staff member without an
authenticator app sent to set one up where the policy requires it.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from two_factor import views as two_factor_views
from two_factor.forms import MethodForm
from two_factor.utils import default_device

from registry.services.second_factor import recovery_codes, replace_recovery_codes
from registry.signin.forms import AuthenticatorCodeForm, RecoveryCodeForm
from registry.signin.policy import is_verified, needs_authenticator, second_factor_required

Wizard = two_factor_views.LoginView


def safe_next(request):
    """The ``next`` of the request if it leads to this site, else an empty string."""
    target = request.POST.get("next", request.GET.get("next", ""))
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def with_next(url, target):
    return f"{url}?{urlencode({'next': target})}" if target else url


class AdminPageMixin:
    """The admin's context (header, language switch, title) for a page of the sign-in."""

    admin_site = None
    title = ""

    def admin_context(self):
        return {
            **self.admin_site.each_context(self.request),
            "title": self.title,
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "next": safe_next(self.request),
        }


class SignInView(AdminPageMixin, Wizard):
    """The admin's login: the password, then the authenticator's code or a recovery code."""

    template_name = "registry/signin/login.html"
    form_list = (
        (Wizard.AUTH_STEP, AdminAuthenticationForm),
        (Wizard.TOKEN_STEP, AuthenticatorCodeForm),
        (Wizard.BACKUP_STEP, RecoveryCodeForm),
    )

    def dispatch(self, request, *args, **kwargs):
        if needs_authenticator(request.user):
            return redirect(with_next(reverse("admin:two_factor_setup"), safe_next(request)))
        if request.method == "GET" and self.admin_site.has_permission(request):
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        """A GET starts the sign-in afresh, except after the password: the language switch
        reloads the page, which then shows the code step again rather than the password."""
        halfway = self.storage.current_step in (self.TOKEN_STEP, self.BACKUP_STEP)
        if halfway and self.get_user() and not self.expired:
            return self.render(self.get_form())
        return super().get(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        if needs_authenticator(self.request.user):
            setup = reverse("admin:two_factor_setup")
            return redirect(with_next(setup, self.get_redirect_url()))
        return response

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        titles = {
            self.TOKEN_STEP: _("Enter the code"),
            self.BACKUP_STEP: _("Use a recovery code"),
        }
        self.title = titles.get(self.steps.current, _("Log in"))
        return {**context, **self.admin_context(), "cancel_url": None}


class AuthenticatorSetupView(AdminPageMixin, two_factor_views.SetupView):
    """Setting up the authenticator app: scan the QR code (or type the key), enter a code.

    Once the code is right the app is the user's second factor, this session counts as
    verified, and the user receives recovery codes.
    """

    template_name = "registry/signin/setup.html"
    qrcode_url = "admin:two_factor_qr"
    # django-two-factor-auth adds the authenticator app's step; with one method there is no
    # choice to make, and the method step is left out.
    form_list = (("method", MethodForm),)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            return redirect(reverse("admin:login"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        """As the sign-in: reloading the page (the language switch) keeps the key that the app
        may already have scanned, instead of making a new one."""
        if self.storage.current_step and not default_device(request.user):
            return self.render(self.get_form())
        return super().get(request, *args, **kwargs)

    def get_success_url(self):
        return with_next(reverse("admin:two_factor"), safe_next(self.request))

    @transaction.atomic
    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        replace_recovery_codes(user=self.request.user)
        messages.success(
            self.request,
            _(
                "The authenticator app is set up. Keep the recovery codes below in a safe place: "
                "each lets you log in once without the app."
            ),
        )
        return response

    def get_context_data(self, form, **kwargs):
        self.title = _("Set up two-step verification")
        context = super().get_context_data(form, **kwargs)
        return {
            **context,
            **self.admin_context(),
            "cancel_url": None,
            "required": second_factor_required(),
        }


class QRCodeView(two_factor_views.QRGeneratorView):
    """The QR code of the key being set up, as an SVG image (an image from this site, so the
    Content-Security-Policy lets it through)."""


class TwoFactorView(AdminPageMixin, TemplateView):
    """The user's two-step verification: whether the app is set up, and the recovery codes."""

    template_name = "registry/signin/two_factor.html"

    def post(self, request, *args, **kwargs):
        if not is_verified(request.user):
            return redirect(reverse("admin:two_factor_setup"))
        replace_recovery_codes(user=request.user)
        messages.success(request, _("New recovery codes were made; the old ones no longer work."))
        return redirect(with_next(reverse("admin:two_factor"), safe_next(request)))

    def get_context_data(self, **kwargs):
        self.title = _("Two-step verification")
        user = self.request.user
        verified = is_verified(user)
        return {
            **super().get_context_data(**kwargs),
            **self.admin_context(),
            "authenticator": default_device(user),
            "verified": verified,
            "required": second_factor_required(),
            "codes": recovery_codes(user=user) if verified else [],
            "continue_url": safe_next(self.request) or reverse("admin:index"),
        }
