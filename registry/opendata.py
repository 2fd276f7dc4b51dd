"""The registry as open data: full downloads of every kind of record, and their description.

The description follows DCAT-AP-NL (the Dutch profile of DCAT-AP that data.overheid.nl
harvests): a catalogue with one data set, its publisher, contact point, languages, licence,
themes, temporal coverage and modification date, and its distributions, each with its format,
media type, size and SHA-256 checksum (``spdx:checksum``), plus the API as a data service with
its OpenAPI schema. The same description is on the open-data page (as text and as embedded
JSON-LD) and at its own URL as JSON-LD.

The downloads are the export files of ``registry/exports.py`` (the import's columns, so that a
download imports back unchanged), of the public records only: they read through
``registry/selectors.py`` like every public output. The files are made once per
``selectors.open_data_version()`` and kept in the cache, and the page and the download serve
the same bytes, so the size and checksum the page states are those of the file a reader gets.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from registry import selectors
from registry.exports import export_records
from registry.models import Theme
from registry.resources import RESOURCES
from registry.tabular import CONTENT_TYPES

CACHE_SECONDS = 24 * 60 * 60
FORMATS = ("csv", "json")
LANGUAGES = ("nl", "en")

# The identifiers DCAT-AP-NL asks for, from the registers it names.
PUBLISHER_URI = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1018"  # TOOI
CONTACT_URL = "https://www.defensie.nl/contact"
LICENCE_URI = "http://creativecommons.org/publicdomain/zero/1.0/"
THEMES = (
    # data.overheid.nl's theme taxonomy (OWMS): Defensie.
    "http://standaarden.overheid.nl/owms/terms/Defensie_(thema)",
    # The EU data themes: government and public sector; international issues.
    "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    "http://publications.europa.eu/resource/authority/data-theme/INTR",
)
LANGUAGE_URIS = {
    "nl": "http://publications.europa.eu/resource/authority/language/NLD",
    "en": "http://publications.europa.eu/resource/authority/language/ENG",
}
FREQUENCY_URI = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
MEDIA_TYPES = {
    "csv": "https://www.iana.org/assignments/media-types/text/csv",
    "json": "https://www.iana.org/assignments/media-types/application/json",
}
OPENAPI_URI = "https://spec.openapis.org/oas/v3.0.3"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# What each download holds, in the order of importing (what a record refers to comes first).
KIND_NAMES = {
    "commands": gettext_lazy("Commands"),
    "partners": gettext_lazy("Partners"),
    "editions": gettext_lazy("Editions"),
    "sections": gettext_lazy("Sections"),
    "themes": gettext_lazy("Themes"),
    "theme_texts": gettext_lazy("Theme texts per edition"),
    "agreements": gettext_lazy("Agreements"),
}
KIND_DESCRIPTIONS = {
    "commands": gettext_lazy("The commands and parts of the defence organisation."),
    "partners": gettext_lazy("The partner countries and organisations."),
    "editions": gettext_lazy("The yearly editions of the annex."),
    "sections": gettext_lazy("The sections of the annex, per country or group of countries."),
    "themes": gettext_lazy("The public cooperation themes, current and archived."),
    "theme_texts": gettext_lazy("The text each edition gave each public theme."),
    "agreements": gettext_lazy("The public agreements, earliest first, undated last."),
}


def public_records(kind):
    """The public records of one kind, with what its resource's columns read."""
    resource = RESOURCES[kind]
    records = resource().get_queryset()
    if kind == "themes":
        return records.filter(pk__in=selectors.public_themes().values("pk"))
    if kind == "theme_texts":
        return records.filter(pk__in=selectors.public_theme_texts().values("pk"))
    if kind == "agreements":
        # An agreement's themes column names its public themes only.
        public_themes = Theme.objects.filter(selectors.public()).select_related("section")
        return (
            records.filter(pk__in=selectors.public_agreements().values("pk"))
            .prefetch_related(None)
            .prefetch_related("parties", Prefetch("themes", public_themes))
            .order_by(*selectors.AGREEMENT_ORDER)
        )
    # Commands, partners, editions and sections have nothing internal.
    return records


@dataclass(frozen=True)
class Download:
    kind: str
    file_format: str
    content: bytes
    rows: int

    @property
    def size(self):
        return len(self.content)

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()

    @property
    def file_name(self):
        return f"{self.kind}.{self.file_format}"

    @property
    def content_type(self):
        return CONTENT_TYPES[self.file_format]

    @property
    def title(self):
        return f"{KIND_NAMES[self.kind]} ({self.file_format.upper()})"


def _cache_key(version, kind, file_format):
    return f"registry:open-data:{version}:{kind}:{file_format}"


def download(kind, file_format, version=None):
    """One full download, made at most once per version of the registry."""
    version = version or selectors.open_data_version()
    key = _cache_key(version, kind, file_format)
    cached = cache.get(key)
    if cached is None:
        exported = export_records(RESOURCES[kind], public_records(kind), file_format)
        cached = Download(kind, file_format, exported.content, exported.rows)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def downloads(version=None):
    """Every full download: each kind of record in each format."""
    version = version or selectors.open_data_version()
    return [download(kind, fmt, version) for kind in KIND_NAMES for fmt in FORMATS]


def _texts(message):
    """A text in Dutch and English, as JSON-LD language-tagged literals."""
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append({"@value": str(message), "@language": language})
    return texts


def _title():
    return gettext_lazy("Registry of the Netherlands' international defence cooperation")


def _description():
    return gettext_lazy(
        "The cooperation themes on which the Dutch armed forces work with other countries and "
        "organisations, per country or group of countries and in multinational frameworks, "
        "with the commands that take part, the partners, the agreements and the yearly "
        "editions of the annex to the progress report on international military cooperation "
        "that the Ministry of Defence sends to Parliament. Records that staff have marked "
        "internal are not included."
    )


def _publisher_name():
    return gettext_lazy("Ministry of Defence")


def _contact_name():
    return gettext_lazy("Ministry of Defence, Directorate of International Affairs")


def facts(version=None):
    """What the page and the JSON-LD say beside the downloads, kept as the downloads are."""
    version = version or selectors.open_data_version()
    key = f"registry:open-data:{version}:facts"
    cached = cache.get(key)
    if cached is None:
        cached = _facts()
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _facts():
    years = selectors.edition_years()
    modified = selectors.last_change()
    return {
        "first_year": years[0] if years else None,
        "last_year": years[-1] if years else None,
        "modified": modified.date() if modified else None,
    }


def catalogue(build_uri, files=None, details=None):
    """The DCAT-AP-NL description as a JSON-LD document; ``build_uri`` makes URLs absolute."""
    if files is None or details is None:
        version = selectors.open_data_version()
        files, details = downloads(version), facts(version)
    page = build_uri(reverse("registry:open_data"))
    dataset_uri = f"{page}#dataset"
    api = build_uri(reverse("api:root"))
    licence = {"@id": LICENCE_URI}
    publisher = {
        "@id": PUBLISHER_URI,
        "@type": "foaf:Agent",
        "foaf:name": _texts(_publisher_name()),
    }
    service = {
        "@id": f"{page}#api",
        "@type": "dcat:DataService",
        "dct:title": _texts(gettext_lazy("Registry API (JSON)")),
        "dct:description": _texts(
            gettext_lazy("The read-only JSON API: the same records as the public pages.")
        ),
        "dcat:endpointURL": {"@id": api},
        "dcat:endpointDescription": {"@id": build_uri(reverse("api-schema"))},
        "dct:conformsTo": {"@id": OPENAPI_URI},
        "dcat:servesDataset": {"@id": dataset_uri},
        "dcat:landingPage": {"@id": build_uri(reverse("api-docs"))},
        "dct:license": licence,
        "dct:publisher": publisher,
    }
    distributions = [_distribution(file, build_uri, licence, details) for file in files]
    distributions.append(
        {
            "@id": f"{page}#api-distribution",
            "@type": "dcat:Distribution",
            "dct:title": _texts(gettext_lazy("Registry API (JSON)")),
            "dct:description": _texts(
                gettext_lazy("The records page by page, filtered as on the public listing.")
            ),
            "dcat:accessURL": {"@id": api},
            "dcat:accessService": {"@id": service["@id"]},
            "dct:format": {"@id": FILE_TYPES["json"]},
            "dcat:mediaType": {"@id": MEDIA_TYPES["json"]},
            "dct:license": licence,
        }
    )
    dataset = {
        "@id": dataset_uri,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset_uri,
        "dct:title": _texts(_title()),
        "dct:description": _texts(_description()),
        "dct:publisher": publisher,
        "dct:creator": publisher,
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": _texts(_contact_name()),
            "vcard:hasURL": {"@id": CONTACT_URL},
        },
        "dct:language": [{"@id": LANGUAGE_URIS[language]} for language in LANGUAGES],
        "dct:license": licence,
        "dcat:theme": [{"@id": theme} for theme in THEMES],
        "dcat:keyword": _keywords(),
        "dct:accrualPeriodicity": {"@id": FREQUENCY_URI},
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": distributions,
    }
    if details["first_year"]:
        dataset["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(f"{details['first_year']}-01-01"),
            "dcat:endDate": _date(f"{details['last_year']}-12-31"),
        }
    if details["modified"]:
        dataset["dct:modified"] = _date(details["modified"].isoformat())
    return {
        "@context": CONTEXT,
        "@id": page,
        "@type": "dcat:Catalog",
        "dct:title": _texts(_title()),
        "dct:description": _texts(_description()),
        "dct:publisher": publisher,
        "dct:language": [{"@id": LANGUAGE_URIS[language]} for language in LANGUAGES],
        "dct:license": licence,
        "foaf:homepage": {"@id": build_uri(reverse("registry:overview"))},
        "dcat:dataset": [dataset],
        "dcat:service": [service],
    }


def _distribution(file, build_uri, licence, details):
    url = build_uri(reverse("registry:open_data_download", args=[file.kind, file.file_format]))
    distribution = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _texts(file.title),
        "dct:description": _texts(KIND_DESCRIPTIONS[file.kind]),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": FILE_TYPES[file.file_format]},
        "dcat:mediaType": {"@id": MEDIA_TYPES[file.file_format]},
        "dcat:byteSize": {"@value": str(file.size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": file.sha256, "@type": "xsd:hexBinary"},
        },
        "dct:license": licence,
    }
    if details["modified"]:
        distribution["dct:modified"] = _date(details["modified"].isoformat())
    return distribution


def _keywords():
    words = [
        gettext_lazy("defence cooperation"),
        gettext_lazy("international cooperation"),
        gettext_lazy("armed forces"),
    ]
    return [text for word in words for text in _texts(word)]


def _date(value):
    return {"@value": value, "@type": "xsd:date"}


def as_json(document):
    """The JSON-LD text, safe to embed in a ``<script>`` element as it is to serve."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
