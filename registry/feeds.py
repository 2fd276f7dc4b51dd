"""Atom feeds of what changed in the public registry: new editions, and themes added, changed,
archived or back from the archive; one for the whole registry and one per partner.

What a feed may tell is decided in ``registry/selectors.py`` (``public_theme_changes``); the
feeds only word it. Every entry's id is a UUID derived from what it reports (a theme's
historical record, an edition's year), so it stays the same however often a reader fetches it.
"""

import uuid

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry import selectors
from registry.models import Partner
from registry.selectors import ChangeKind
from registry.views import public

FEED_LENGTH = 50
ENTRY_NAMESPACE = uuid.UUID("6f1d3c1e-5a0b-4d53-9a0e-2c1f7f0e9b61")


def entry_id(name):
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, name)}"


def partner_name(partner):
    if get_language() == "en":
        return partner.name_en or partner.name_nl
    return partner.name_nl


class ChangesFeed(Feed):
    """The Atom feed of the whole registry: editions and changes to public themes."""

    feed_type = Atom1Feed
    description_template = "registry/feeds/change.html"

    def title(self):
        return _("Defence cooperation registry: changes")

    def subtitle(self):
        return _("New editions of the annex, and themes added, changed or archived.")

    def link(self):
        return reverse("registry:edition_list")

    def feed_url(self):
        return reverse("registry:changes_feed")

    def author_name(self):
        return _("Ministry of Defence")

    def items(self):
        themes = selectors.public_theme_changes(limit=FEED_LENGTH)
        news = [*selectors.edition_news(), *themes]
        return sorted(news, key=lambda item: item.date, reverse=True)[:FEED_LENGTH]

    def item_title(self, item):
        if item.kind == "edition":
            return _("Edition %(year)s of the annex") % {"year": item.edition.year}
        titles = {
            ChangeKind.ADDED: _("New theme: %(title)s"),
            ChangeKind.CHANGED: _("Theme changed: %(title)s"),
            ChangeKind.ARCHIVED: _("Theme archived: %(title)s"),
            ChangeKind.RESTORED: _("Theme back from the archive: %(title)s"),
        }
        return titles[item.kind] % {"title": item.version.title}

    def item_link(self, item):
        if item.kind == "edition":
            return item.edition.get_absolute_url()
        return item.theme.get_absolute_url()

    def item_guid(self, item):
        if item.kind == "edition":
            return entry_id(f"edition:{item.edition.year}")
        return entry_id(f"theme-version:{item.version.history_id}")

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.date


class PartnerChangesFeed(ChangesFeed):
    """The changes to the public themes that name one partner."""

    def get_object(self, request, code):
        return get_object_or_404(Partner, code=code)

    def title(self, partner):
        return _("Defence cooperation registry: changes for %(partner)s") % {
            "partner": partner_name(partner)
        }

    def subtitle(self, partner):
        return _("Themes with %(partner)s added, changed or archived.") % {
            "partner": partner_name(partner)
        }

    def link(self, partner):
        return partner.get_absolute_url()

    def feed_url(self, partner):
        return reverse("registry:partner_feed", args=[partner.code])

    def items(self, partner):
        return selectors.public_theme_changes(partner=partner, limit=FEED_LENGTH)


changes = public(ChangesFeed())
partner_changes = public(PartnerChangesFeed())
