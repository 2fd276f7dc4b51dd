"""Record texts on the public pages in the page's language (see ``models.in_page_language``).

``{{ theme.title_text.text }}`` is the text; ``<h1{{ theme.title_text|lang_attr }}>`` marks it
``lang="nl"`` where an English page shows the Dutch text for want of an English one
(WCAG 3.1.2), and adds nothing where the text is in the page's language.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def lang_attr(page_text):
    """` lang="nl"` for a text in another language than the page's, else nothing."""
    if not getattr(page_text, "lang", ""):
        return ""
    return format_html(' lang="{}"', page_text.lang)


@register.filter
def any_title_in_dutch_only(themes):
    """Whether an English page shows any of these themes' titles in Dutch only."""
    return any(theme.title_text.dutch_only for theme in themes)
