"""The public, read-only pages: listings, details, the overview, downloads."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry import figures, maps, opendata, selectors, timeline
from registry.choices import PartnerKind
from registry.exports import export_records
from registry.filters import DEFENCE_WIDE, ArchiveChoice, ThemeFilterSet
from registry.models import Command, Partner, Section
from registry.resources import ThemeResource
from registry.signin.policy import is_signed_in
from registry.tabular import CONTENT_TYPES
from registry.textdiff import word_diff

PAGE_SIZE = 25
# Detail pages list this many themes; the listing, filtered on the record, has them all.
DETAIL_LIMIT = 50
SIBLINGS_LIMIT = 20
OVERVIEW_CACHE_SECONDS = 24 * 60 * 60
DOWNLOAD_FORMATS = {name: CONTENT_TYPES[name] for name in ("csv", "xlsx", "json")}


def public(view):
    """A public page; with PUBLIC_LOGIN_REQUIRED on, only for users who are signed in (staff
    with their second factor where it is required)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.PUBLIC_LOGIN_REQUIRED and not is_signed_in(request.user):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped


def filtered_themes(request):
    return ThemeFilterSet(request.GET, queryset=selectors.public_themes(), request=request)


def kept_per_version(name, build):
    """``build()``, kept in the cache until the registry changes, per language (partners are
    named and sorted in the page's language); the key is the same in every process."""
    key = f"registry:{name}:{get_language()}:{selectors.registry_version()}"
    kept = cache.get(key)
    if kept is None:
        kept = build()
        cache.set(key, kept, OVERVIEW_CACHE_SECONDS)
    return kept


@public
def overview(request):
    # The figures cost a pass over every link; they are kept until the registry changes, per
    # language (the partners are named and sorted in the page's language).
    context = kept_per_version("overview", overview_figures)
    return render(request, "registry/overview.html", {**context, "defence_wide": DEFENCE_WIDE})


def overview_figures():
    """The sections with their counts, and the partner × command matrix: the partners with
    current themes in groups (countries, then organisations), sorted by their names in the page's
    language, each cell with its number of themes and its shade."""
    partners = list(
        selectors.partners_with_counts()
        .filter(theme_count__gt=0)
        .order_by("kind", selectors.partner_name_field(), "code")
    )
    commands = list(Command.objects.order_by("position", "code"))
    cells = selectors.partner_command_matrix()

    def cell(partner, command):
        count = cells.get((partner.pk, command.pk if command else None), 0)
        return {"command": command, "count": count, "shade": figures.shade(count)}

    rows = []
    for partner in partners:
        defence_wide = cell(partner, None)
        rows.append(
            {
                "partner": partner,
                "cells": [cell(partner, command) for command in commands],
                "defence_wide": defence_wide["count"],
                "defence_wide_shade": defence_wide["shade"],
            }
        )
    groups = [
        {"kind": kind, "rows": [row for row in rows if row["partner"].kind == kind]}
        for kind in PartnerKind.values
    ]
    return {
        "sections": list(selectors.sections_with_counts()),
        "commands": commands,
        "rows": rows,
        "groups": [group for group in groups if group["rows"]],
        "shades": figures.SHADES,
    }


@public
def partner_map(request):
    """The partner countries on a map of Europe and one of the world, with their table."""
    context = kept_per_version("partner-map", partner_map_figures)
    return render(request, "registry/partner_map.html", context)


def partner_map_figures():
    """Each partner country (named in a public record) is a link on one map: on the map of
    Europe when it lies there, else on the world map, which shows the European ones unlinked."""
    countries = list(
        selectors.public_partner_countries().order_by(selectors.partner_name_field(), "code")
    )
    links = {
        country.code: maps.Link(country.name, country.get_absolute_url()) for country in countries
    }
    in_europe = maps.codes_inside(maps.EUROPE.key)
    on_world = maps.codes_shown(maps.WORLD.key)
    european = {code: link for code, link in links.items() if code in in_europe}
    elsewhere = {code: link for code, link in links.items() if code not in in_europe}

    def map_of(code):
        if code in european:
            return "europe"
        return "world" if code in on_world else ""

    rows = [{"partner": country, "map": map_of(country.code)} for country in countries]
    return {
        "rows": rows,
        "europe_map": mark_safe(  # maps.render_svg escapes names and addresses
            maps.render_svg(maps.EUROPE.key, linked=european, labelled_by="kaart-europa")
        ),
        "world_map": mark_safe(
            maps.render_svg(
                maps.WORLD.key, linked=elsewhere, marked=list(european), labelled_by="kaart-wereld"
            )
        ),
    }


@public
def agreement_timeline(request):
    """The dated agreements on a time line, each at its precision; the undated ones apart."""
    return render(
        request,
        "registry/agreement_timeline.html",
        timeline.build(selectors.agreements_with_relations()),
    )


@public
def theme_list(request):
    filterset = filtered_themes(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "download_formats": list(DOWNLOAD_FORMATS),
        "active_filters": active_filters(filterset, query),
        "with_archive": with_archive(filterset, query),
    }
    status = 400 if filterset.errors else 200
    return render(request, "registry/theme_list.html", context, status=status)


# Not filters: how the listing is sorted, and which page of it is shown.
NOT_FILTERS = ("sort", "pagina")


def active_filters(filterset, query):
    """The filters the reader set, each with its value as shown and the query without it."""
    if filterset.errors:
        return []
    chosen = []
    for name, field in filterset.form.fields.items():
        value = query.get(name, "").strip()
        if not value or name in NOT_FILTERS:
            continue
        cleaned = filterset.form.cleaned_data.get(name)
        if hasattr(field, "label_from_instance") and cleaned is not None:
            shown = field.label_from_instance(cleaned)
        elif hasattr(field, "choices"):
            shown = dict(iter(field.choices)).get(value, value)
        else:
            shown = value
        without = query.copy()
        without.pop(name, None)
        chosen.append({"name": name, "label": field.label, "value": shown, "without": without})
    for item in chosen:
        item["without"] = item["without"].urlencode()
    return chosen


def with_archive(filterset, query):
    """The query that also searches the archive, when the reader has not asked for it yet."""
    if filterset.errors or filterset.form.cleaned_data.get("archive") == ArchiveChoice.ALL:
        return None
    widened = query.copy()
    widened["archive"] = ArchiveChoice.ALL
    return widened.urlencode()


@public
def theme_download(request, file_format):
    filterset = filtered_themes(request)
    if file_format not in DOWNLOAD_FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    if filterset.errors:
        messages = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
        )
        return HttpResponseBadRequest(messages, content_type="text/plain; charset=utf-8")
    chosen = filterset.qs.values("pk")
    themes = ThemeResource().get_queryset().filter(pk__in=chosen)
    return export_records(ThemeResource, themes, file_format).response()


@public
def theme_detail(request, section, slug):
    theme = get_object_or_404(selectors.public_themes(), section__key=section, slug=slug)
    context = {
        "theme": theme,
        "agreements": selectors.theme_agreements(theme),
        "editions": theme.editions.order_by("year"),
        "siblings": selectors.sibling_themes(theme)[:SIBLINGS_LIMIT],
        "theme_texts": texts_with_changes(selectors.theme_texts(theme)),
    }
    return render(request, "registry/theme_detail.html", context)


def texts_with_changes(texts):
    """Each edition's text of a theme, with what changed since the edition before it that had
    the theme (None for the first), newest edition first."""
    shown, earlier = [], None
    for text in texts:
        diff = None
        if earlier is not None and earlier.description != text.description:
            diff = word_diff(earlier.description, text.description, spoken=True)
        shown.append({"text": text, "previous": earlier, "diff": diff})
        earlier = text
    shown.reverse()
    with_diff = [item for item in shown if item["diff"]]
    if with_diff:
        with_diff[0]["legend"] = True  # what the marks mean, said once, before the first
    return shown


def annex_order(text):
    return (text.theme.section.position, text.theme.position, text.theme.title)


@public
def edition_list(request):
    editions = selectors.editions_with_counts()
    return render(request, "registry/edition_list.html", {"editions": editions})


@public
def edition_detail(request, year):
    edition = get_object_or_404(selectors.editions(), year=year)
    previous, comparison = selectors.edition_comparison(edition)
    context = {
        "edition": edition,
        "previous": previous,
        "comparison": comparison,
        "new": sorted(comparison.new, key=annex_order),
        "changed": sorted(comparison.changed, key=lambda item: annex_order(item.new)),
        "gone": sorted(comparison.gone, key=annex_order),
    }
    return render(request, "registry/edition_detail.html", context)


@public
def section_list(request):
    return render(
        request, "registry/section_list.html", {"sections": selectors.sections_with_counts()}
    )


@public
def section_detail(request, key):
    section = get_object_or_404(
        Section.objects.prefetch_related(Prefetch("partners", selectors.partners_by_name())),
        key=key,
    )
    themes = selectors.current_themes().filter(section=section)
    context = {
        "section": section,
        **first_themes(themes.order_by("position", "title"), f"section={section.key}"),
    }
    return render(request, "registry/section_detail.html", context)


def first_themes(themes, query):
    """The first themes of a record's page, with their number and where to find them all."""
    shown = list(themes[: DETAIL_LIMIT + 1])
    return {
        "themes": shown[:DETAIL_LIMIT],
        "more_themes": len(shown) > DETAIL_LIMIT,
        "all_themes_url": f"{reverse('registry:theme_list')}?{query}",
    }


@public
def partner_list(request):
    partners = selectors.partners_with_counts().order_by(
        "kind", selectors.partner_name_field(), "code"
    )
    return render(request, "registry/partner_list.html", {"partners": partners})


@public
def partner_detail(request, code):
    partner = get_object_or_404(Partner, code=code)
    themes = (
        selectors.current_themes()
        .filter(partners=partner)
        .order_by("section__position", "position")
    )
    context = {
        "partner": partner,
        **first_themes(themes, f"partner={partner.code}"),
        "agreements": selectors.agreements_in_date_order().filter(parties=partner)[:DETAIL_LIMIT],
    }
    return render(request, "registry/partner_detail.html", context)


@public
def command_list(request):
    commands = selectors.commands_with_counts().select_related("parent").order_by("position")
    return render(request, "registry/command_list.html", {"commands": commands})


@public
def command_detail(request, code):
    command = get_object_or_404(Command.objects.select_related("parent"), code=code)
    themes = (
        selectors.current_themes()
        .filter(theme_commands__command=command)
        .order_by("section__position", "position")
    )
    context = {"command": command, **first_themes(themes, f"command={command.code}")}
    return render(request, "registry/command_detail.html", context)


@public
def agreement_list(request):
    agreements = selectors.agreements_in_date_order()
    page = Paginator(agreements, PAGE_SIZE * 2).get_page(request.GET.get("pagina"))
    return render(
        request, "registry/agreement_list.html", {"agreements": page.object_list, "page": page}
    )


@public
def agreement_detail(request, slug):
    agreement = get_object_or_404(selectors.agreements_with_relations(), slug=slug)
    return render(request, "registry/agreement_detail.html", {"agreement": agreement})


def accessibility(request):
    return render(request, "registry/accessibility.html")


@public
def open_data(request):
    version = selectors.open_data_version()
    files = opendata.downloads(version)
    details = opendata.facts(version)
    document = opendata.catalogue(request.build_absolute_uri, files, details)
    kinds = [
        {
            "name": opendata.KIND_NAMES[kind],
            "description": opendata.KIND_DESCRIPTIONS[kind],
            "files": [file for file in files if file.kind == kind],
        }
        for kind in opendata.KIND_NAMES
    ]
    context = {
        "kinds": kinds,
        "details": details,
        "json_ld": opendata.as_json(document),
        "publisher_uri": opendata.PUBLISHER_URI,
        "licence_uri": opendata.LICENCE_URI,
        "contact_url": opendata.CONTACT_URL,
    }
    return render(request, "registry/open_data.html", context)


@public
def open_data_catalogue(request):
    document = opendata.catalogue(request.build_absolute_uri)
    return HttpResponse(opendata.as_json(document), content_type="application/ld+json")


@public
def open_data_download(request, kind, file_format):
    if kind not in opendata.KIND_NAMES or file_format not in opendata.FORMATS:
        raise Http404
    file = opendata.download(kind, file_format)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.file_name)
    return response
