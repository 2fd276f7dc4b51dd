"""Validators of the models' text fields, so the admin's forms and the imports refuse alike."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What XML 1.0 cannot hold, and with it the Word document, the XLSX exports and the feeds
# (defined beside the Word renderer, which is pure Python).
from registry.annex.renderer import NOT_IN_XML


def validate_document_text(value):
    """Refuse text that a document cannot carry, naming the character and where it is."""
    found = NOT_IN_XML.search(value or "")
    if found is not None:
        raise ValidationError(
            _(
                "The text holds the control character %(character)s at position %(position)s, "
                "which Word documents and spreadsheets cannot hold; remove it."
            ),
            code="control_character",
            params={"character": f"U+{ord(found.group()):04X}", "position": found.start() + 1},
        )
