"""The admin speaks the language chosen, on every page type, including the libraries' pages.

Every admin URL comes from the admin's own URL patterns (``tests/admin_urls.py``), so a page that
a library or a change adds later is scanned without a change here. Each page is opened as a
superuser in Dutch and in English: the GET of every URL; the page after every POST that
changes something (the message it leaves, the import preview); every changelist searched and
filtered; the sign-in pages. Its visible text (text nodes and the attributes people or screen
readers get: title, aria-label, placeholder, alt, labels of options and the values of buttons)
is split into fragments, and a fragment fails on words of the other language.

The records are the annex's, and their texts are Dutch on the English pages too: that is data,
not interface. A fragment is data when it is, or contains, a text that a record holds: every
character and text field (and the strings in JSON fields) of every row of every model, and the
names (``str``) of the registry's records, read from the database. Only the parts of a fragment
that are such a text are left out, so "History: Cyber (deu)" is still scanned for "History".
Texts that Django stores itself in its own language (permission names, content types, the
admin log's messages) are not data. Choices are stored as codes, so their labels are scanned.
Parts marked with a ``lang`` attribute of the other language are allowed only for a language's
own name in the language switch.
"""

import copy
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.test import override_settings
from lxml import html

from registry.admin_imports import RESOURCES_BY_MODEL
from tests.admin_urls import ALTERED, NEW_RECORDS, Fixture, Probes, expect, who

pytestmark = pytest.mark.django_db

LANGUAGES = ("nl", "en")
LOCAL_NAMES = {"nl": "Nederlands", "en": "English"}


def word_set(text):
    return set(text.split())


# Words that only English has, as an interface uses them; flagged on Dutch pages.
ENGLISH = word_set(
    """
    the and with for from this that these those are were been be has have will would
    can cannot could should you your yes no all any some other others or not none new
    change changed changes delete deleted history historical save saved add added select
    selected choose chosen attempt attempts access failure failures log logs revert reverted
    view edit remove removed search show hide clear action actions date time today
    yesterday now month year name title description user users username password group
    groups permissions staff active home my another back take sure close cancel confirm
    submit go run next previous page results result total count counts objects record
    records field fields required optional version versions by on at expired expires clean
    up address failed logins logout expiration meta form path list application models
    welcome skip main content toggle theme themes current light dark language switch
    sidebar navigation breadcrumbs typing what which who when where how there here into
    only also each every more first last latest earlier older newer please try again
    locked out remaining entries entry summary following related means warning error
    errors enter forgotten file files imported columns column template preview
    agreement agreements command commands section sections edition editions unknown
    successfully below want correct please filtering models application since changed
    """
)
# Words that only Dutch has; flagged on English pages.
DUTCH = word_set(
    """
    de het een van en met voor naar op bij uit te om aan door niet geen wel ook nog zijn
    wordt worden deze dit die dat er u uw ja nee alle alles wijzigen gewijzigd wijziging
    wijzigingen verwijderen verwijderd opslaan toevoegen toegevoegd geschiedenis selecteer
    geselecteerd geselecteerde zoeken tonen terug terugzetten teruggezet bekijken weergeven
    versie versies gebruiker gebruikers gebruikersnaam wachtwoord groep groepen rechten
    actie acties datum tijd vandaag gisteren naam titel beschrijving poging pogingen toegang
    mislukt mislukte afmelden aanmelden welkom taal wissel voorpagina sluiten annuleren
    bevestigen uitvoeren resultaten resultaat objecten gegevens gegeven veld velden verplicht
    thema themas overeenkomst overeenkomsten sectie secties commando commandos editie
    edities bestand kolommen importeren exporteren historisch historische toegangspogingen
    inloggen uitloggen verlopen opnieuw wissen kies gekozen verwijder onbekend nieuw nieuwe
    gearchiveerd intern zoals maar als wat wie wanneer waar hoe wilt zeker weet kunt
    hieronder nogmaals bewerken succes toepassing modellen beheer filteren typen navigatie
    zijbalk broodkruimels huidige licht donker hoofdinhoud aantallen elke afgelopen maand
    jaar dagen rij kolom waarden voorbeeld samenvatting ongewijzigd gelezen tekst bron eerste
    laatste vorige volgende pagina bestanden sjabloon sjablonen lege soort
    """
)
FOREIGN = {"nl": ENGLISH, "en": DUTCH}
# Proper names that stay what they are in either language: a key on a Mac's keyboard; the
# words an import file writes for yes and no, which the columns page quotes in either language.
PROPER_NAMES = ["‘Command’", "ja", "nee"]

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
SCANNED_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "label")
BUTTON_TYPES = {"submit", "button", "reset"}
SELECT2_I18N = re.compile(r"/select2/i18n/([\w-]+)\.js")
# What a POST leads to: a message on the next page, or a page of its own (an import preview).
POSTED_KINDS = {
    "add",
    "change",
    "delete",
    "revert",
    "changelist",
    "import",
    "set_password",
    "password_change",
}


def words(text):
    return WORD.findall(text)


def key(word):
    return word.lower().replace("'", "").replace("’", "")


# The data: texts that records hold --------------------------------------------------------------

NOT_DATA = {
    ("auth", "permission"),  # Django stores their names in English
    ("contenttypes", "contenttype"),
    ("sessions", "session"),
}


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def normal(text):
    return " ".join(text.split())


class Data:
    """The texts of the records in the database, and where in a fragment they stand."""

    def __init__(self, extra=()):
        texts = set(extra)
        for model in apps.get_models():
            meta = model._meta
            if (meta.app_label, meta.model_name) in NOT_DATA:
                continue
            names = [
                field.attname
                for field in meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField | models.JSONField)
                and not field.choices
                and (meta.label, field.name) != ("admin.LogEntry", "change_message")
            ]
            if names:
                for row in model._base_manager.values_list(*names):
                    texts.update(text for value in row for text in strings_in(value))
            if meta.app_label in {"registry", "auth"} and not meta.auto_created:
                texts.update(str(record) for record in model._base_manager.all())
        self.texts = {normal(text) for text in texts if text and text.strip()}
        self.by_word = {}
        for text in self.texts:
            for word in words(text):
                self.by_word.setdefault(key(word), set()).add(text)

    def without(self, fragment, flagged):
        """The fragment with every record text that holds one of the flagged words left out."""
        if fragment in self.texts:
            return ""
        found = set().union(*(self.by_word.get(key(word), set()) for word in flagged))
        for text in sorted(found, key=len, reverse=True):
            fragment = without(fragment, text)
        return fragment


def without(fragment, text):
    """The fragment with the text left out wherever it stands as whole words."""
    return re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", " ", fragment)


# The visible text of a page -----------------------------------------------------------------


def fragments(content, language):
    """(where, text) of every piece of visible text; problems with the page's languages."""
    document = html.document_fromstring(content.decode("utf-8"))
    problems = []
    if document.get("lang") != language:
        problems.append(f'<html lang="{document.get("lang")}">')
    for script in document.iter("script"):
        found = SELECT2_I18N.search(script.get("src") or "")
        if found and found.group(1) != language:
            problems.append(f"select2 speaks {found.group(1)}: {script.get('src')}")
    # Code is neither language: column names, field names, what a cell holds. The summary of a
    # password hash (algorithm, iterations, the first letters of a random salt) is not either.
    for element in document.xpath("//script|//style|//code|//div[@id='id_password']//bdi"):
        element.drop_tree()
    for element in list(document.xpath("//*[@lang]")):
        other = element.get("lang")
        if other != language and element.getparent() is not None:
            if normal(element.text_content()) != LOCAL_NAMES.get(other):
                problems.append(f'lang="{other}" on <{element.tag}>: {normal(str(element.attrib))}')
            element.drop_tree()
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        for text in (element.text, element.tail):
            if text and text.strip():
                found.append((tag, normal(text)))
        for name in SCANNED_ATTRIBUTES:
            if element.get(name):
                found.append((f"{tag}[{name}]", normal(element.get(name))))
        if tag == "input" and element.get("type") in BUTTON_TYPES and element.get("value"):
            found.append(("input[value]", normal(element.get("value"))))
    return found, problems


def file_format_words():
    """The words of the import files' format: field names and the codes of choices."""
    found = set()
    for model in apps.get_app_config("registry").get_models():
        for field in model._meta.concrete_fields:
            found.add(field.name)
            found.update(str(value) for value, _label in field.choices or ())
    return sorted(found, key=len, reverse=True)


def foreign_words(content, language, data, allowed=()):
    """Problems of a page: each fragment with the other language's words it holds."""
    found, problems = fragments(content, language)
    foreign = FOREIGN[language]
    for where, text in found:
        flagged = [w for w in words(text) if key(w) in foreign]
        if not flagged or HEX_DIGEST.fullmatch(text):
            continue  # a file's SHA-256 is neither language, whatever letters it holds ("2be6")
        rest = data.without(text, flagged)
        for name in [*PROPER_NAMES, *allowed]:
            rest = without(rest, name)
        flagged = [w for w in words(rest) if key(w) in foreign]
        if flagged:
            problems.append(f"{', '.join(dict.fromkeys(flagged))} in <{where}> {text[:160]!r}")
    return problems


# Opening every page -------------------------------------------------------------------------


def is_page(response):
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and "attachment" not in response.get("Content-Disposition", "")
    )


def rolled_back(client, send):
    """A request whose changes are rolled back, with the client's cookies kept."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = send()
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def filtered(url, response):
    """The changelist searched, and filtered by the first choice of its first filter."""
    document = html.document_fromstring(response.content.decode("utf-8"))
    links = document.xpath('//*[@id="changelist-filter"]//li[not(@class="selected")]/a/@href')
    return [f"{url}?q=zzz", *(f"{url}{href}" for href in links[:1])]


def admin_pages(fixture, probes, language):
    """(label, response) of every admin page as a superuser sees it in the language."""
    client = fixture.superuser
    person = who("superuser", client.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for probe in probes.all():
        if expect(person, probe, "GET").status == 200:
            response = rolled_back(client, lambda probe=probe: client.get(probe.url))
            if is_page(response):
                yield f"GET {probe}", response
                if probe.kind == "changelist":
                    for url in filtered(probe.url, response):
                        yield f"GET {url}", client.get(url)
        if probe.kind in POSTED_KINDS:
            data = probe.post(probe, person)
            response = rolled_back(
                client, lambda probe=probe, data=data: client.post(probe.url, data, follow=True)
            )
            if is_page(response):
                yield f"POST {probe} → {response.request['PATH_INFO']}", response


def signin_pages(language):
    """The login, its code step and the setup of an authenticator app, for someone who has
    not signed in yet."""
    from tests.admin_forms import PASSWORD
    from tests.signin import LOGIN, SignedInClient, authenticator, password_step

    user = fixture_user(f"visitor-{language}")
    authenticator(user)
    client = SignedInClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    yield "GET login", client.get(LOGIN)
    yield "POST login (password)", password_step(client, user.username, PASSWORD)
    yield "POST login (wrong password)", password_step(client, user.username, "wrong")
    # Staff without an authenticator app are sent on to set one up.
    newcomer = fixture_user(f"newcomer-{language}")
    client = SignedInClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = password_step(client, newcomer.username, PASSWORD, follow=True)
    yield f"POST login (no app yet) → {page.request['PATH_INFO']}", page


def fixture_user(name):
    from django.contrib.auth.models import User

    from tests.admin_forms import PASSWORD

    return User.objects.create_user(name, password=PASSWORD, is_staff=True)


@pytest.fixture(scope="module")
def scanned(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every admin page in both languages: {language: [(label, response)]}, and the data.

    Opened once for the module's tests, in a transaction that is rolled back after.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        fixture = Fixture()
        probes = Probes(fixture)
        pages = {
            language: [*admin_pages(fixture, probes, language), *signin_pages(language)]
            for language in LANGUAGES
        }
        # What the probes' requests write and then roll back: the values of new records, the
        # marks of changed values, the names of uploaded files.
        made = [value for record in NEW_RECORDS.values() for value in record.values()]
        files = [f"{name}.csv" for name in RESOURCES_BY_MODEL]
        data = Data(extra=[ALTERED.strip(), "(eerder gewijzigd)", *made, *files])
        transaction.set_rollback(True)
    return pages, data


def test_every_admin_page_speaks_only_the_language_chosen(scanned):
    pages, data = scanned
    problems = [
        f"{language} {label}: {problem}"
        for language, responses in pages.items()
        for label, response in responses
        for problem in foreign_words(
            response.content,
            language,
            data,
            # The columns page says how a file writes each field, in the file's own words.
            allowed=file_format_words() if label.startswith("GET columns") else (),
        )
    ]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_scan_reaches_every_page_type(scanned):
    """The pages scanned include every kind of admin view that shows a page, in both languages."""
    pages, _data = scanned
    for language, responses in pages.items():
        labels = [label for label, _response in responses]
        kinds = {label.split()[1] for label in labels if label.startswith("GET ")}
        assert {
            "index",
            "changelist",
            "add",
            "change",
            "delete",
            "history",
            "revert",
            "import",
            "columns",
            "compare",
            "set_password",
            "password_change",
            "recovery_codes",
            "app_index",
        } <= kinds, (language, kinds)
        assert any("?q=zzz" in label for label in labels)
        assert any(label.startswith("POST import") and "upload" in label for label in labels)
        assert any("/axes/accessattempt/" in label for label in labels)
        assert any(label.endswith("/admin/two-factor/setup/") for label in labels), labels[-3:]
        assert all(is_page(response) for _label, response in responses), language
        assert len(responses) > 150, (language, len(responses))


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        ("nl", "Selecteer thema om te wijzigen", []),
        ("nl", "Select theme to change", ["Select, theme, change"]),
        ("en", "Select theme to change", []),
        ("en", "Het thema is gewijzigd", ["Het, thema, gewijzigd"]),
        ("en", "History: Cyber (deu)", []),
    ],
)
def test_the_scan_flags_words_of_the_other_language(language, text, found):
    page = f'<html lang="{language}"><body><h1 title="x">{text}</h1></body></html>'
    problems = foreign_words(page.encode(), language, Data())
    assert [problem.split(" in ")[0] for problem in problems] == found


def test_record_texts_are_left_out_but_not_the_words_around_them():
    theme = ContentType.objects.get_by_natural_key("registry", "theme").get_object_for_this_type(
        title="Bestrijding ISIS"
    )
    page = (
        '<html lang="en"><body>'
        f"<td>{theme.description}</td><h1>Geschiedenis: {theme}</h1>"
        "</body></html>"
    )
    problems = foreign_words(page.encode(), "en", Data())
    assert [problem.split(" in ")[0] for problem in problems] == ["Geschiedenis"]


def test_a_part_in_another_language_is_allowed_only_for_its_own_name():
    page = (
        '<html lang="en"><body><select><option lang="nl">Nederlands</option></select>'
        '<select lang="nl" data-x="1"><option>x</option></select></body></html>'
    )
    problems = foreign_words(page.encode(), "en", Data())
    assert len(problems) == 1
    assert problems[0].startswith('lang="nl" on <select>')


# Headings and messages in Dutch -------------------------------------------------------------


def dutch_client(name="taal-beheerder"):
    from tests.admin_forms import logged_in

    client = logged_in(name)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def heading(response):
    document = html.document_fromstring(response.content.decode())
    return normal(document.xpath("//h1")[0].text_content())


def test_headings_start_with_a_capital():
    from django.urls import reverse

    from registry.models import Theme

    client = dutch_client()
    theme = Theme.objects.get_by_natural_key("deu", "Cyber")
    assert heading(client.get(reverse("admin:registry_theme_change", args=[theme.pk]))) == (
        "Thema wijzigen"
    )
    assert heading(client.get(reverse("admin:registry_theme_add"))) == "Thema toevoegen"
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert heading(page) == "Selecteer aanmeldpoging om te wijzigen"
    assert "<title>Thema toevoegen |" in client.get(reverse("admin:registry_theme_add")).text
    for add, last in [
        ("admin:registry_theme_add", "Thema toevoegen"),
        ("admin:auth_user_add", "Gebruiker toevoegen"),
    ]:
        document = html.document_fromstring(client.get(reverse(add)).content.decode())
        crumb = normal(document.xpath("//div[@class='breadcrumbs']")[0].text_content())
        assert crumb.endswith(f"› {last}"), crumb


@pytest.mark.parametrize(
    ("model", "key", "field", "message"),
    [
        (
            "theme",
            ("deu", "Cyber"),
            "description",
            "Het thema ‘Cyber (deu)’ is met succes gewijzigd.",
        ),
        ("command", ("CLAS",), "name_en", "Het commando ‘CLAS’ is met succes gewijzigd."),
        ("partner", ("DEU",), "name_en", "De partner ‘Duitsland’ is met succes gewijzigd."),
        ("section", ("deu",), "heading", "De sectie ‘Duitsland’ is met succes gewijzigd."),
    ],
)
def test_messages_about_a_record_use_the_article_of_its_kind(model, key, field, message):
    from django.apps import apps as registry_apps
    from django.urls import reverse

    from tests.admin_forms import form_data

    record = registry_apps.get_model("registry", model).objects.get_by_natural_key(*key)
    client = dutch_client()
    url = reverse(f"admin:registry_{model}_change", args=[record.pk])
    data = form_data(client.get(url), **{field: f"{getattr(record, field)} (gewijzigd)"})
    if model == "theme":
        data["commands_in_order"] = [c.pk for c in record.ordered_commands()]
    page = client.post(url, data, follow=True)
    texts = [normal(str(m)) for m in page.context["messages"]]
    record.refresh_from_db()
    assert [html.fromstring(text).text_content() for text in texts] == [
        message.replace("Duitsland", str(record))
    ]


def test_the_admins_javascript_texts_are_dutch_too():
    """The two-list selector of rights and groups gets its texts from the admin's catalogue."""
    from django.urls import reverse

    client = dutch_client()
    catalogue = client.get(reverse("admin:jsi18n")).text
    assert '"Remove all %s": "Alle %s verwijderen"' in catalogue
    assert '"Choose selected %s": "Geselecteerde %s kiezen"' in catalogue


def test_the_clean_up_of_login_attempts_works_and_reports_in_dutch():
    import datetime

    from axes.models import AccessAttempt
    from django.urls import reverse
    from django.utils import timezone

    client = dutch_client()  # signing in cleans up as well: before the attempts are made
    visit = {"ip_address": "192.0.2.9", "user_agent": "test", "failures_since_start": 1}
    old = AccessAttempt.objects.create(username="eerder", **visit)
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(hours=2)
    )
    new = AccessAttempt.objects.create(username="zojuist", **visit)
    page = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "index": "0", "_selected_action": [new.pk]},
        follow=True,
    )
    assert [str(message) for message in page.context["messages"]] == [
        "1 verlopen aanmeldpoging opgeruimd."
    ]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["zojuist"]
