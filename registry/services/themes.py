from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.models import Theme, ThemeCommand

SNAPSHOT_SALT = "registry.theme-version"
SNAPSHOT_FIELDS = [
    "title",
    "description",
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
    values["commands"] = "|".join(links.values_list("command__code", flat=True))
    values["partners"] = "|".join(sorted(theme.partners.values_list("code", flat=True)))
    return values


def theme_snapshot_token(theme):
    return signing.dumps(theme_snapshot(theme), salt=SNAPSHOT_SALT, compress=True)


def check_theme_version(theme, version, token):
    """Refuse a save based on an older version: say who changed what since it was opened.

    Called inside the admin's transaction; the row stays locked until it commits.
    """
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if version is None or current.version == version:
        return
    try:
        opened = signing.loads(token, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        opened = {}
    now = theme_snapshot(Theme.objects.get(pk=theme.pk))
    changes = [
        _("%(field)s: “%(old)s” → “%(new)s”")
        % {"field": name, "old": _short(opened.get(name)), "new": _short(value)}
        for name, value in now.items()
        if opened.get(name) != value
    ]
    raise ValidationError(
        _(
            "Someone else saved this theme after you opened it (version %(yours)s, now "
            "%(current)s). Your changes have not been saved. What they changed: %(changes)s. "
            "Check the values below, then save again."
        )
        % {
            "yours": version,
            "current": current.version,
            "changes": "; ".join(changes) or _("nothing visible in this form"),
        },
        code="conflict",
    )


def _short(value):
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
