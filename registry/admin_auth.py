"""The admin of the people who sign in (users, groups, django-axes' login records), in the
language chosen.

Django stores permission names in English when it migrates ("Can add theme"), formats the
password page's help text once at import (in the language active then) and names its link
tables after their classes; django-axes names its records in English with a time in UTC. Here
each gets a name in the language of the page.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registry.history import local_time
from registry.models import name_link_table

PERMISSION_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission):
    """ "Register defensiesamenwerking | thema | Kan thema toevoegen": the permission's name
    from its model's name for the four that Django makes, else from our catalogue."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _separator, model_name = permission.codename.partition("_")
    if model is not None and action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    app = apps_verbose_name(content_type.app_label)
    kind = model._meta.verbose_name if model is not None else content_type.model
    return f"{capfirst(app)} | {kind} | {name}"


def apps_verbose_name(app_label):
    from django.apps import apps

    try:
        return apps.get_app_config(app_label).verbose_name
    except LookupError:
        return app_label


class PermissionNames:
    """Permissions in the page's language in the lists of a user's or a group's rights."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label
        return field


class PasswordForm(AdminPasswordChangeForm):
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RegistryUserAdmin(PermissionNames, UserAdmin):
    change_password_form = PasswordForm


@admin.register(Group)
class RegistryGroupAdmin(PermissionNames, GroupAdmin):
    pass


class RegistryAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' list of login attempts, whose clean-up action formats its message before
    looking up the translation (so it is never translated) and fails outside a login (it reads
    the moment of the login attempt from the request: here that is now)."""

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        message = ngettext(
            "Cleaned up %(count)d expired access attempt.",
            "Cleaned up %(count)d expired access attempts.",
            count,
        )
        self.message_user(request, message % {"count": count})


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, RegistryAccessAttemptAdmin)


for _field, _singular, _plural in [
    (Group.permissions, _("permission of a group"), _("permissions of groups")),
    (User.groups, _("group of a user"), _("groups of users")),
    (User.user_permissions, _("permission of a user"), _("permissions of users")),
]:
    name_link_table(_field.through, _singular, _plural)
for _through in (Group.permissions.through, User.user_permissions.through):
    _through.__str__ = lambda link: f"{link_owner(link)} – {permission_label(link.permission)}"


def link_owner(link):
    return link.group if hasattr(link, "group_id") else link.user


def access_attempt_name(attempt):
    return gettext("login attempt of %(user)s, %(when)s") % {
        "user": attempt.username,
        "when": local_time(attempt.attempt_time),
    }


def access_failure_name(failure):
    return gettext("failed login of %(user)s, %(when)s, from %(address)s") % {
        "user": failure.username,
        "when": local_time(failure.attempt_time),
        "address": failure.ip_address,
    }


def access_log_name(log):
    return gettext("login of %(user)s, %(when)s") % {
        "user": log.username,
        "when": local_time(log.attempt_time),
    }


AccessAttempt.__str__ = access_attempt_name
AccessFailureLog.__str__ = access_failure_name
AccessLog.__str__ = access_log_name
