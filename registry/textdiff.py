"""A word-by-word comparison of two texts, as the edition comparison, the import preview and the
history show it: the whole text, with what was deleted in ``<del>`` and what was added in
``<ins>``, every word escaped."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe


def word_diff(old, new):
    """Both texts in full, word by word, with deletions and insertions marked."""
    old_words, new_words = (old or "").split(), (new or "").split()
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
