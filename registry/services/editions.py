"""What changed between two editions of the annex, from the text each edition gave a theme."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from registry.models import ThemeEdition


@dataclass
class ChangedTheme:
    key: tuple
    old: ThemeEdition
    new: ThemeEdition

    @property
    def text_diff(self):
        """The description, word by word, with deletions and insertions marked."""
        old_words, new_words = self.old.description.split(), self.new.description.split()
        parts = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for operation, a1, a2, b1, b2 in matcher.get_opcodes():
            if operation == "equal":
                parts.append(escape(" ".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
        return mark_safe(" ".join(parts))

    @property
    def commands_changed(self):
        return self.old.commands != self.new.commands


@dataclass
class Comparison:
    new: list
    changed: list
    gone: list
    unchanged: int


def compare_editions(older, newer):
    def snapshot(edition):
        links = ThemeEdition.objects.filter(edition=edition).select_related("theme__section")
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
