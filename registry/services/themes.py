from django.db import transaction

from registry.models import Theme, ThemeCommand


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
