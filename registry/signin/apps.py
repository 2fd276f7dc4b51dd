from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """Django's admin, with the registry's site as ``admin.site``."""

    default_site = "registry.signin.admin_site.RegistryAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from two_factor.plugins.registry import registry

        from registry.signin.forms import AuthenticatorAppMethod

        # The one way to set up a second factor: an authenticator app, with our forms.
        registry.unregister(AuthenticatorAppMethod.code)
        registry.register(AuthenticatorAppMethod())
        # django-otp's admin pages would show and edit the keys of everyone's authenticator
        # app and their recovery codes; a lost phone is handled by reset_two_factor instead.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
