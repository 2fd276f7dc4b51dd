"""What changed between two editions of the annex, from the text each edition gave a theme."""

from dataclasses import dataclass

from registry.models import ThemeEdition
from registry.textdiff import word_diff


@dataclass
class ChangedTheme:
    key: tuple
    old: ThemeEdition
    new: ThemeEdition

    @property
    def text_diff(self):
        """The description, word by word, with deletions and insertions marked."""
        return word_diff(self.old.description, self.new.description)

    @property
    def spoken_diff(self):
        """The same, saying where each deletion and insertion begins and ends (public pages)."""
        return word_diff(self.old.description, self.new.description, spoken=True)

    @property
    def commands_changed(self):
        return self.old.commands != self.new.commands


@dataclass
class Comparison:
    new: list
    changed: list
    gone: list
    unchanged: int


def compare_editions(older, newer, *, texts=None):
    """What changed between two editions, from ``texts`` (by default every theme's).

    The staff's comparison sees every theme; a public output passes
    ``registry.selectors.public_theme_texts()``.
    """
    texts = ThemeEdition.objects.all() if texts is None else texts

    def snapshot(edition):
        links = texts.filter(edition=edition).select_related("theme__section")
        return {(link.theme.section.key, link.theme.title): link for link in links}

    before, after = snapshot(older), snapshot(newer)
    changed = [
        ChangedTheme(key, before[key], after[key])
        for key in sorted(before.keys() & after.keys())
        if (before[key].description, before[key].commands)
        != (after[key].description, after[key].commands)
    ]
    return Comparison(
        new=[after[key] for key in sorted(after.keys() - before.keys())],
        changed=changed,
        gone=[before[key] for key in sorted(before.keys() - after.keys())],
        unchanged=len(before.keys() & after.keys()) - len(changed),
    )
