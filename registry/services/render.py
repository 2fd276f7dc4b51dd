"""The registry's content of one edition, as a document to render."""

from registry import selectors
from registry.annex.renderer import AnnexDocument, Changes, DocumentSection, DocumentTheme
from registry.models import Edition, Section
from registry.services.editions import compare_editions


def edition_document(edition: Edition, *, with_changes=False) -> AnnexDocument:
    """The annex of an edition, public records only, with the text that edition gave them."""
    links = (
        selectors.public_theme_texts()
        .filter(edition=edition)
        .select_related("theme")
        .order_by("theme__position", "theme__title")
    )
    by_section = {}
    for link in links:
        by_section.setdefault(link.theme.section_id, []).append(
            DocumentTheme(
                title=link.title,
                description=link.description,
                commands=tuple(code for code in link.commands.split("|") if code),
                paragraph=link.paragraph,
            )
        )
    document = AnnexDocument(
        title=edition.title,
        year=edition.year,
        introduction=_paragraphs(edition.introduction),
    )
    for section in Section.objects.order_by("position"):
        themes = by_section.get(section.pk, [])
        if themes or section.introduction:
            document.sections.append(
                DocumentSection(section.heading, _paragraphs(section.introduction), themes)
            )
    if with_changes:
        document.changes = _changes(edition)
    return document


def _changes(edition):
    previous = Edition.objects.filter(year__lt=edition.year).order_by("-year").first()
    if previous is None:
        return None
    comparison = compare_editions(previous, edition, texts=selectors.public_theme_texts())

    def label(link):
        return f"{link.title} ({link.theme.section.heading})"

    return Changes(
        previous_year=previous.year,
        new=[label(link) for link in comparison.new],
        changed=[label(item.new) for item in comparison.changed],
        gone=[label(link) for link in comparison.gone],
    )


def _paragraphs(text):
    return [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]
