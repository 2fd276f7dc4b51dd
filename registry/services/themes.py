from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.models import Theme, ThemeCommand
from registry.textdiff import word_diff

SNAPSHOT_SALT = "registry.theme-version"
LIST_SEPARATOR = "|"
SNAPSHOT_FIELDS = [
    "title",
    "description",
    "title_en",
    "description_en",
    "status",
    "dutch_role",
    "framework",
    "target_year",
    "is_archived",
    "is_internal",
    "position",
    "slug",
]


def themes_raise_version(themes) -> None:
    """Every write to a theme raises its version: the one place where that happens.

    The admin's form, a revert and an import call it before they save, so that an editor who
    opened an older version is told on saving. The caller holds the row lock (the admin) or
    writes in bulk within its transaction (an import).
    """
    for theme in themes:
        theme.version += 1


@transaction.atomic
def theme_set_commands(*, theme: Theme, commands) -> None:
    """Give a theme exactly these commands, in this order (none: the theme is defence-wide)."""
    commands = list(dict.fromkeys(commands))
    links = ThemeCommand.objects.filter(theme=theme)
    current = {link.command_id: link for link in links}
    links.exclude(command_id__in=[command.pk for command in commands]).delete()
    changed = []
    for position, command in enumerate(commands, start=1):
        link = current.get(command.pk)
        if link is None:
            ThemeCommand.objects.create(theme=theme, command=command, position=position)
        elif link.position != position:
            link.position = position
            changed.append(link)
    ThemeCommand.objects.bulk_update(changed, ["position"])
    # A prefetched list of the theme's commands is out of date now.
    getattr(theme, "_prefetched_objects_cache", {}).pop("theme_commands", None)


def theme_snapshot(theme):
    """The values an editor sees when opening a theme, to show later what someone else changed."""
    values = {name: getattr(theme, name) for name in SNAPSHOT_FIELDS}
    values["section"] = theme.section.key
    links = ThemeCommand.objects.filter(theme=theme).order_by("position")
    values["commands"] = LIST_SEPARATOR.join(links.values_list("command__code", flat=True))
    values["partners"] = LIST_SEPARATOR.join(sorted(theme.partners.values_list("code", flat=True)))
    return values


def theme_snapshot_token(theme):
    return signing.dumps(theme_snapshot(theme), salt=SNAPSHOT_SALT, compress=True)


def check_theme_version(theme, version, token):
    """Refuse a save that is not based on the current version: say who changed what since.

    Called inside the request's transaction: the theme's row stays locked until it commits, so
    no other save can come in between. A form that does not say which version it was opened
    from is refused too: the check cannot be left out. On success the theme carries the locked
    version, for :func:`themes_raise_version` to raise.
    """
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    opened = _opened_values(token)
    if version is None or opened is None:
        raise ValidationError(
            _(
                "This form does not say which version of the theme it was opened from, so it "
                "cannot be checked whether someone else saved the theme in the meantime. Your "
                "changes have not been saved. Open the theme again and make your changes there."
            ),
            code="version_missing",
        )
    if current.version != version:
        raise ValidationError(
            format_html(
                _(
                    "Someone else saved this theme after you opened it (version {yours}, now "
                    "{current}). Your changes have not been saved. What they changed: "
                    "{changes}. Check the values below, then save again."
                ),
                yours=version,
                current=current.version,
                changes=_changes_since(opened, theme_snapshot(current)),
            ),
            code="conflict",
        )
    theme.version = current.version


def _opened_values(token):
    """The signed snapshot taken when the form was opened, or None when missing or altered."""
    try:
        return signing.loads(token or "", salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None


def _changes_since(opened, now):
    changes = [
        _change(name, opened.get(name), value)
        for name, value in now.items()
        if opened.get(name) != value
    ]
    if not changes:
        return _("nothing visible in this form")
    return format_html_join("; ", "{}", ((change,) for change in changes))


def _change(name, old, new):
    field = Theme._meta.get_field(name)
    label = capfirst(field.verbose_name)
    if isinstance(field, models.TextField):
        return format_html("{}: {}", label, word_diff(old, new))
    return format_html("{}: {} → {}", label, _value(field, old), _value(field, new))


def _value(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.many_to_many:
        return ", ".join(str(value).split(LIST_SEPARATOR))
    return str(value)
