"""Readable long texts on the theme's change form.

The description gets a large text area, and beside it (below it on a phone) the paragraph as
the latest edition of the annex printed it, read-only, so staff can compare the two.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import ThemeEdition

DESCRIPTION_ROWS = 12


class ThemeTextsMixin:
    class Media:
        # On the change form and on the revert form, which is the change form too.
        css = {"all": ["registry/admin_working_day.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("description", "description_en"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": DESCRIPTION_ROWS, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("As the annex printed it"))
    def printed_paragraph(self, theme):
        printed = latest_printed_paragraph(theme)
        if printed is None:
            return _("No edition of the annex text printed this theme (it came from elsewhere).")
        return format_html(
            '<p class="printed-paragraph-source">{}</p><div class="printed-paragraph">{}</div>',
            _source(printed),
            printed.paragraph,
        )


def _source(printed):
    if printed.page is None:
        return _("Edition %(year)s") % {"year": printed.edition.year}
    return _("Edition %(year)s, page %(page)s of the PDF") % {
        "year": printed.edition.year,
        "page": printed.page,
    }


def latest_printed_paragraph(theme):
    """The theme's paragraph in the latest edition that printed it, or None."""
    if theme.pk is None:
        return None
    return (
        ThemeEdition.objects.filter(theme=theme)
        .exclude(paragraph="")
        .select_related("edition")
        .order_by("-edition__year")
        .first()
    )
