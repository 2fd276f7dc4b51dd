"""The forms of the sign-in steps, with the registry's labels and messages (Dutch first)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm, TOTPDeviceForm
from two_factor.plugins.registry import GeneratorMethod

OTP_ERROR_MESSAGES = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": _("Enter the code."),
    "invalid_token": _("This code is not correct. Check it and try again."),
    "n_failed_attempts": ngettext_lazy(
        "Checking codes is paused after %(failure_count)d wrong code. Try again in a moment.",
        "Checking codes is paused after %(failure_count)d wrong codes. Try again in a moment.",
        "failure_count",
    ),
    "verification_not_allowed": _("Codes cannot be checked at the moment. Try again later."),
}


def code_input(**attrs):
    """A text field for a code (not a number field: no spinner, leading zeros kept)."""
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        | attrs
    )


# django-two-factor-auth passes the arguments a form's __init__ names: they are spelt out here.


class AuthenticatorCodeForm(AuthenticationTokenForm):
    """The token step: the six-digit code the authenticator app shows now."""

    otp_error_messages = OTP_ERROR_MESSAGES

    def __init__(self, user, initial_device, **kwargs):
        super().__init__(user, initial_device, **kwargs)
        field = self.fields["otp_token"]
        field.label = _("Code from the authenticator app")
        field.widget = code_input(inputmode="numeric", pattern="[0-9]*", autofocus=True)
        field.error_messages = {
            **field.error_messages,
            "invalid": _("The code consists of digits only."),
        }


class RecoveryCodeForm(BackupTokenForm):
    """The backup step: one of the user's recovery codes, each of which works once."""

    otp_error_messages = {
        **OTP_ERROR_MESSAGES,
        "token_required": _("Enter a recovery code."),
        "invalid_token": _("This recovery code is not correct or has been used."),
    }

    def __init__(self, user, initial_device, **kwargs):
        super().__init__(user, initial_device, **kwargs)
        field = self.fields["otp_token"]
        field.label = _("Recovery code")
        field.widget = code_input(autofocus=True)


class AuthenticatorSetupForm(TOTPDeviceForm):
    """Setting up the authenticator app: the first code it shows proves it has the key."""

    error_messages = {"invalid_token": _("This code is not correct. Check it and try again.")}

    def __init__(self, key, user, metadata=None, **kwargs):
        super().__init__(key, user, metadata=metadata, **kwargs)
        field = self.fields["token"]
        field.label = _("Code from the authenticator app")
        field.widget = code_input(inputmode="numeric", pattern="[0-9]*", autofocus=True)
        field.error_messages = {
            **field.error_messages,
            "invalid": _("The code consists of digits only."),
        }


class AuthenticatorAppMethod(GeneratorMethod):
    """django-two-factor-auth's token generator method, with the forms above."""

    verbose_name = _("Authenticator app")

    def recognize_device(self, device):
        return isinstance(device, TOTPDevice)

    def get_setup_forms(self, *args):
        return {"generator": AuthenticatorSetupForm}

    def get_token_form_class(self):
        return AuthenticatorCodeForm
