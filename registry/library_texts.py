"""Texts of the libraries that their Dutch catalogues lack, so that ours translates them.

django-axes and django-simple-history ship no Dutch catalogue, and Django's own lacks a few
admin texts of its latest version. Our catalogue (``registry/locale``, in ``LOCALE_PATHS``)
comes before every app's, so a msgid here, translated there, wins. They are marked here, with
the exact msgids (and contexts) of the libraries, so that ``makemessages`` keeps them.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

DJANGO_ADMIN = [
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _("Error:"),
    _("Forgotten your login credentials?"),
    _("In case you’ve forgotten, you are:"),
]
DJANGO = [
    _("%(model)s instance with %(field)s %(value)r is not a valid choice."),
]
AXES = [
    _("Form Data"),
    _("Meta Data"),
    _("Account locked: too many login attempts. Please try again later."),
    _("Account locked: too many login attempts. Contact an admin to unlock your account."),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("access failure"),
    _("access failures"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("access attempt"),
    _("access attempts"),
    _("Access Attempt"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("access log"),
    _("access logs"),
    _("Locked Out"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
]
SIMPLE_HISTORY = [
    _("Change history: %s"),
    _("View history: %s"),
    _('The %(name)s "%(obj)s" was changed successfully.'),
    _("You may edit it again below"),
    _("Revert %s"),
    _("View %s"),
    _("Created"),
    _("Changed"),
    _("Deleted"),
    _("This object doesn't have a change history."),
    _("Revert %(verbose_name)s"),
    _("View %(verbose_name)s"),
    _("Choose a date from the list below to revert to a previous version of this object."),
    _("Press the 'Change History' button below to edit the history."),
    ngettext_lazy("entry", "entries"),
    _("Press the 'Revert' button below to revert to this version of the object."),
    _("Or press the 'Change History' button to edit the history."),
    _("Object"),
    _("Date/time"),
    _("Comment"),
    _("Changed by"),
    _("Change reason"),
    _("None"),
    _("Revert"),
    _("Change History"),
]
