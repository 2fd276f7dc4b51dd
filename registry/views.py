"""The public, read-only pages: listings, details, the overview, downloads."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry import figures, maps, selectors, timeline
from registry.choices import PartnerKind
from registry.exports import export_records
from registry.filters import DEFENCE_WIDE, ThemeFilterSet
from registry.models import Command, Partner, Section
from registry.resources import ThemeResource
from registry.signin.policy import is_signed_in
from registry.tabular import CONTENT_TYPES

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


@public
def overview(request):
    # The figures cost a pass over every link; they are kept until the registry changes, per
    # language (the partners are named and sorted in the page's language).
    key = f"registry:overview:{get_language()}:{selectors.registry_version()}"
    context = cache.get(key)
    if context is None:
        context = overview_figures()
        cache.set(key, context, OVERVIEW_CACHE_SECONDS)
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
    key = f"registry:partner-map:{get_language()}:{selectors.registry_version()}"
    context = cache.get(key)
    if context is None:
        context = partner_map_figures()
        cache.set(key, context, OVERVIEW_CACHE_SECONDS)
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
    }
    status = 400 if filterset.errors else 200
    return render(request, "registry/theme_list.html", context, status=status)


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
    }
    return render(request, "registry/theme_detail.html", context)


@public
def section_list(request):
    return render(
        request, "registry/section_list.html", {"sections": selectors.sections_with_counts()}
    )


@public
def section_detail(request, key):
    section = get_object_or_404(
        Section.objects.prefetch_related(Prefetch("partners", Partner.objects.order_by("name_nl"))),
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
    partners = selectors.partners_with_counts().order_by("kind", "name_nl")
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
        "agreements": selectors.agreements_with_relations().filter(parties=partner)[:DETAIL_LIMIT],
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
    agreements = selectors.agreements_with_relations().order_by("date_signed", "title", "pk")
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
