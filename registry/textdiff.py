"""A word-by-word comparison of two texts, as the edition comparison, the import preview and the
history show it: the whole text, with what was deleted in ``<del>`` and what was added in
``<ins>``, every word escaped."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def word_diff(old, new, *, spoken=False):
    """Both texts in full, word by word, with deletions and insertions marked.

    With ``spoken``, each mark also says in visually hidden words where a deletion or an
    insertion begins and ends: most screen readers announce neither ``<del>`` nor ``<ins>``, so
    without them the public pages would read both texts run together.
    """
    old_words, new_words = (old or "").split(), (new or "").split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            words = escape(" ".join(old_words[a1:a2]))
            if spoken:
                words = _spoken(_("deleted:"), words, _("end of deletion"))
            parts.append(f"<del>{words}</del>")
        if b2 > b1:
            words = escape(" ".join(new_words[b1:b2]))
            if spoken:
                words = _spoken(_("added:"), words, _("end of addition"))
            parts.append(f"<ins>{words}</ins>")
    return mark_safe(" ".join(parts))


def _spoken(start, words, end):
    hidden = f'<span class="visually-hidden" lang="{get_language()}">{{}}</span>'
    return f"{hidden.format(f'[{escape(start)} ')}{words}{hidden.format(f' {escape(end)}]')}"
