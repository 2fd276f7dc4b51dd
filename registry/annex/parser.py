r"""Parse the text of "Bijlage 2: Overzicht van samenwerkingsthema's" into its parts.

The text is a PDF extraction. Lines are wrapped at the page width; paragraphs are separated by
one blank line; a page break shows as a run of blank or space-only lines, often in the middle
of a sentence. Section headings stand on a line of their own, directly above their first
paragraph. A theme is a paragraph "Title: description. (COMMANDS)"; one layout puts the title
on a line of its own without a colon.

Escaped paragraphs
------------------
The registry writes its records back as text (``registry/annex/renderer.py``). A record's
text can hold what would change the document's structure when read: a line break, a blank
line, a line that reads as a section heading, "Other title: ..." or a closing "(CLAS)", a
colon that moves the end of the title, several spaces. The renderer writes such a paragraph
escaped, and this parser undoes it exactly:

- an escaped paragraph starts with a backslash, and is read as it is written, with no
  wording rules (no heading, no title on a line of its own, no page-break continuation);
- within it a backslash escapes the character after it: ``\n``, ``\r`` and ``\t`` are a line
  feed, a carriage return and a tab, ``\s`` a space that would otherwise be taken as a line
  wrap, ``\uXXXX`` the character with that code (other white space), and any other character
  after a backslash is that character itself (``\\``, ``\:``, ``\(``, ``\)``);
- a theme is ``\Title: description (COMMANDS)``: the title ends at the first colon and space
  that is not escaped, and the list of commands is the closing parenthesis that is not
  escaped; an escaped paragraph without such a colon is an introduction paragraph.

A paragraph of the annex itself never starts with a backslash, so its reading is unchanged.

Pure Python: no Django here, so the parser can be tested and reused on its own.
"""

import re
from dataclasses import dataclass, field

# How the annex writes the commands in a theme's closing parenthesis.
COMMAND_ALIASES = {
    "CZSK": "CZSK",
    "CLAS": "CLAS",
    "CLSK": "CLSK",
    "CKMAR": "CKMar",
    "KMAR": "CKMar",
    "BS": "BS",
    "DMO": "DMO",
    "CDC": "CDC",
    "DGO": "DGO",
    "DCC": "DCC",
    "DEFENSIE CYBER COMMANDO": "DCC",
}

HEADING_PATTERN = re.compile(
    r"^(Samenwerkingsgebieden\b|Samenwerking op het gebied van\b|Overige\b|Partners voor\b)"
)
# A paragraph that starts a theme but whose title might be longer than this is no theme.
MAX_TITLE_LENGTH = 130
COMMAND_LIST = re.compile(r"\s*\(([^()]*)\)\s*$")
COMMAND_IN_SENTENCE = re.compile(r"\s*\(([^()]*)\)(\.)\s*$")
CODE_LIKE = re.compile(r"^[A-Z][A-Za-z]{1,7}$")
TERMINAL = (".", ")", ":", ";", "!", "?", "’", "'", '"', "”")
# Words after a line-end hyphen that show the hyphen belongs to an elision ("opleidings- en
# oefenfaciliteiten"), not to a word split over two lines.
ELISION_FOLLOWERS = ("en ", "of ", "tot ", "and ", "or ", "en,")
ESCAPE = "\\"
ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "s": " "}
CODE_POINT = re.compile(r"u([0-9A-Fa-f]{4})")


class AnnexParseError(ValueError):
    """The text cannot be read as an annex; ``line`` is the 1-based line it concerns."""

    def __init__(self, message, line=None):
        self.message = message
        self.line = line
        super().__init__(f"regel {line}: {message}" if line else message)


class TooManyThemes(AnnexParseError):
    """The text holds more than ``limit`` themes; ``line`` is where the first one beyond begins.

    Raised as soon as that theme is read, so an oversized text costs no more than the limit.
    """

    def __init__(self, limit, line):
        self.limit = limit
        super().__init__(f"de tekst bevat meer dan {limit} thema's", line)


@dataclass(frozen=True)
class ParsedTheme:
    title: str
    description: str
    commands: tuple[str, ...]
    commands_text: str
    line: int
    # The paragraph as the annex printed it, wraps and page breaks undone; a title on a line of
    # its own stays on its own line.
    paragraph: str = ""


@dataclass
class ParsedSection:
    heading: str
    line: int
    introduction: list[str] = field(default_factory=list)
    themes: list[ParsedTheme] = field(default_factory=list)


@dataclass
class ParsedAnnex:
    title: str
    introduction: list[str]
    sections: list[ParsedSection]
    warnings: list[str] = field(default_factory=list)

    @property
    def themes(self):
        return [theme for section in self.sections for theme in section.themes]


@dataclass
class _Block:
    """Consecutive non-blank lines; ``page_break_before`` when a run of blank lines precedes it."""

    lines: list[tuple[int, str]]
    page_break_before: bool


def parse_annex(text, *, max_themes=None):
    """Read an annex text and return its title, introduction and sections with their themes.

    With ``max_themes``, stops with ``TooManyThemes`` at the first theme beyond that number.
    """
    if "\x00" in text:
        raise AnnexParseError("het bestand is geen tekst (het bevat nul-bytes)")
    blocks = _blocks(text)
    if not blocks:
        raise AnnexParseError("het bestand is leeg")
    paragraphs = _paragraphs(blocks)
    title_number, title = paragraphs[0][0]
    annex = ParsedAnnex(title=title, introduction=[], sections=[])
    section = None
    theme_count = 0
    for lines in [paragraphs[0][1:], *paragraphs[1:]]:
        if lines and _is_heading(lines[0][1]):
            section = ParsedSection(heading=_join([lines[0][1]]), line=lines[0][0])
            annex.sections.append(section)
            lines = lines[1:]
        if lines:
            before = len(section.themes) if section is not None else 0
            _add_paragraph(annex, section, lines[0][0], [text for _, text in lines])
            theme_count += (len(section.themes) if section is not None else 0) - before
            if max_themes is not None and theme_count > max_themes:
                raise TooManyThemes(max_themes, lines[0][0])
    if not annex.sections:
        raise AnnexParseError(
            "geen sectiekoppen gevonden (zoals 'Samenwerkingsgebieden met ...')", title_number
        )
    _check_unique_titles(annex)
    return annex


def _blocks(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    blocks, current, blank_run = [], [], 0
    for number, raw in enumerate(lines, start=1):
        line = raw.replace("\u00a0", " ").strip()
        if not line:
            blank_run += 1
            continue
        if current and blank_run:
            blocks.append(current)
            current = []
        if not current:
            current = _Block(lines=[], page_break_before=blank_run > 1 and bool(blocks))
        current.lines.append((number, line))
        blank_run = 0
    if current:
        blocks.append(current)
    return blocks


def _paragraphs(blocks):
    """Merge the blocks that a page break split; each paragraph is a list of (number, line)."""
    paragraphs = []
    for block in blocks:
        if paragraphs and block.page_break_before and _continues(paragraphs[-1], block):
            paragraphs[-1].extend(block.lines)
        else:
            paragraphs.append(list(block.lines))
    return paragraphs


def _continues(previous_lines, block):
    """Whether the block after a page break continues the paragraph before it."""
    first = block.lines[0][1]
    if _is_heading(first) or first.startswith(ESCAPE):
        return False
    previous = previous_lines[-1][1]
    if not previous.endswith(TERMINAL) or previous.endswith("-"):
        return True
    if first[0].islower() or not first[0].isalnum():
        return True
    lines = [line for _, line in block.lines]
    return _split_title(_join(lines)) is None and not _has_title_line(lines)


def _add_paragraph(annex, section, line_number, lines):
    text = _join(lines)
    if text.startswith(ESCAPE):
        theme, text = _escaped_paragraph(text[1:], line_number)
    else:
        theme = None if section is None else _theme(text, lines, line_number)
    if section is None:
        annex.introduction.append(text)
        return
    if theme is None:
        if section.themes:
            annex.warnings.append(
                f"regel {line_number}: alinea zonder titel na de thema's van "
                f"'{section.heading}'; opgenomen in de inleiding van de sectie"
            )
        section.introduction.append(text)
        return
    section.themes.append(theme)


def _theme(text, lines, line_number):
    paragraph = text
    if _has_title_line(lines):
        title, body = _join(lines[:1]), _join(lines[1:])
        paragraph = f"{title}\n{body}"
    else:
        split = _split_title(text)
        if split is None:
            return None
        title, body = split
    description, commands, commands_text = _split_commands(body, line_number)
    return ParsedTheme(
        title=title,
        description=description,
        commands=commands,
        commands_text=commands_text,
        line=line_number,
        paragraph=paragraph,
    )


def _escaped_paragraph(text, line_number):
    """(theme or None, text) of a paragraph written escaped (see the module docstring)."""
    characters = _unescaped(text)
    plain = "".join(character for character, _escaped in characters)
    end = _first_unescaped(characters, ": ")
    if end is None:
        return None, plain
    title = "".join(character for character, _escaped in characters[:end])
    body = characters[end + 2 :]
    commands, commands_text = (), ""
    opening = _last_unescaped(body, " (")
    if body and body[-1] == (")", False) and opening is not None:
        inner = "".join(character for character, _escaped in body[opening + 2 : -1])
        commands, commands_text = _command_codes(inner, line_number), inner
        body = body[:opening]
    description = "".join(character for character, _escaped in body)
    theme = ParsedTheme(title, description, commands, commands_text, line_number, paragraph="")
    return theme, plain


def _unescaped(text):
    """(character, whether it was escaped) for every character the escaped text stands for."""
    characters, index = [], 0
    while index < len(text):
        character = text[index]
        if character != ESCAPE or index + 1 == len(text):
            characters.append((character, False))
            index += 1
            continue
        following = text[index + 1]
        code_point = CODE_POINT.match(text, index + 1)
        if code_point:
            characters.append((chr(int(code_point.group(1), 16)), True))
            index = code_point.end()
        else:
            characters.append((ESCAPED.get(following, following), True))
            index += 2
    return characters


def _first_unescaped(characters, sequence):
    for index in range(len(characters) - len(sequence) + 1):
        if all(characters[index + k] == (char, False) for k, char in enumerate(sequence)):
            return index
    return None


def _last_unescaped(characters, sequence):
    for index in range(len(characters) - len(sequence), -1, -1):
        if all(characters[index + k] == (char, False) for k, char in enumerate(sequence)):
            return index
    return None


def _unknown_commands(tokens, codes, inner, line_number):
    unknown = [token for token, code in zip(tokens, codes, strict=True) if code is None]
    return AnnexParseError(
        "onbekende commandocode(s) "
        + ", ".join(f"'{token}'" for token in unknown)
        + f" in '({inner})'; bekend zijn: "
        + ", ".join(sorted(set(COMMAND_ALIASES.values()))),
        line_number,
    )


def _command_codes(inner, line_number):
    """The codes of an escaped theme's command list; every one must be known."""
    tokens = [token.strip() for token in re.split(r",|\s+en\s+|/", inner) if token.strip()]
    codes = [COMMAND_ALIASES.get(token.upper()) for token in tokens]
    if not tokens or not all(codes):
        raise _unknown_commands(tokens, codes, inner, line_number)
    return tuple(dict.fromkeys(codes))


def reads_back_as_theme(text, title, description, commands):
    """Whether ``text``, as a paragraph of a section, is read as exactly this theme."""
    lines = text.split("\n")
    if _unsafe_lines(lines):
        return False
    try:
        theme = _theme(_join(lines), lines, 1)
    except AnnexParseError:
        return False
    return theme is not None and (theme.title, theme.description, theme.commands) == (
        title,
        description,
        tuple(commands),
    )


def reads_back_as_text(text, *, in_section):
    """Whether ``text`` is read as exactly this introduction paragraph."""
    lines = text.split("\n")
    if _unsafe_lines(lines) or _join(lines) != text:
        return False
    return not in_section or _theme(text, lines, 1) is None


def _unsafe_lines(lines):
    """Lines the parser would not read as one plain paragraph."""
    stripped = [line.replace("\u00a0", " ").strip() for line in lines]
    return (
        not all(stripped)
        or any(line != raw for line, raw in zip(stripped, lines, strict=True))
        or _is_heading(stripped[0])
        or stripped[0].startswith(ESCAPE)
        or "\r" in "".join(lines)
        or "\f" in "".join(lines)
    )


def _split_title(text):
    """Split "Title: description" at the colon that ends the title, or return None.

    Titles may hold colons themselves ("Single European Sky: Military Implementation
    (SES/SESAR): het project ..."). The description nearly always starts in lower case, so the
    title ends at the first colon followed by a lower-case word; failing that, at the first
    colon. A lower-case word after a colon continues the title only when what follows it up to
    the next colon reads as a title ("Female Leaders in Security and Defence: a Roadmap to
    Provide Equal Opportunities: het opzetten ..."); otherwise it is the description's lead
    sentence, which may hold a colon of its own ("Cyber: de samenwerking richt zich op drie
    terreinen: training, oefening en inzet.") and is no part of the title.
    """
    candidates = [
        match.start()
        for match in re.finditer(r":\s", text[: MAX_TITLE_LENGTH + 2])
        if match.start() <= MAX_TITLE_LENGTH
    ]
    if not (text[:1].isupper() or text[:1].isdigit()):
        return None
    candidates = [position for position in candidates if ". " not in text[:position]]
    if not candidates:
        return None
    chosen = candidates[0]
    for index, position in enumerate(candidates):
        following = text[position + 1 :].lstrip()
        if not following[:1].islower():
            continue
        chosen = position
        later = candidates[index + 1 :]
        if not later or not _reads_as_title(text[position + 1 : later[0]]):
            break
    title, body = text[:chosen].strip(), text[chosen + 1 :].strip()
    if not title or not body:
        return None
    return title, body


def _reads_as_title(text):
    """Whether words read as (part of) a title: most of them start with a capital or digit."""
    words = [word for word in text.split() if word[:1].isalnum()]
    capitals = [word for word in words if word[:1].isupper() or word[:1].isdigit()]
    return bool(words) and 2 * len(capitals) >= len(words)


def _has_title_line(lines):
    """A title on a line of its own: short, no colon, no closing punctuation, text below it.

    The text below starts with a capital, or the line reads as a title (most words capitalised),
    so that the first line of a lower-case lead sentence is not taken for a title.
    """
    if len(lines) < 2:
        return False
    first = lines[0]
    width = max(len(line) for line in lines)
    return (
        ":" not in first
        and not first.endswith((*TERMINAL, ",", "-"))
        and first[:1].isupper()
        and len(first) < 0.7 * width
        # A description in lower case below a line that reads as a title: the annex's usual
        # "Gevechtsleiders luchtmacht" / "leerlingen worden ..."; a short first line of a
        # sentence ("Nederland werkt samen met" / "de partners") reads as no title.
        and (lines[1][:1].isupper() or _reads_as_title(first))
    )


def _split_commands(body, line_number):
    """Take the closing "(CZSK, CLAS en CLSK)" off a description: (description, codes, text)."""
    match = COMMAND_LIST.search(body)
    in_sentence = False
    if match is None:
        match = COMMAND_IN_SENTENCE.search(body)
        in_sentence = True
    if match is None:
        return body, (), ""
    inner = " ".join(match.group(1).split())
    tokens = [token.strip() for token in re.split(r",|\s+en\s+|/", inner) if token.strip()]
    codes = [COMMAND_ALIASES.get(token.upper()) for token in tokens]
    if tokens and all(codes):
        description = body[: match.start()].rstrip()
        if in_sentence:
            description += "."
        return description, tuple(dict.fromkeys(codes)), inner
    looks_like_commands = tokens and all(CODE_LIKE.match(token) for token in tokens)
    if looks_like_commands and not in_sentence:
        raise _unknown_commands(tokens, codes, inner, line_number)
    return body, (), ""


def _check_unique_titles(annex):
    for section in annex.sections:
        seen = {}
        for theme in section.themes:
            if theme.title in seen:
                raise AnnexParseError(
                    f"de titel '{theme.title}' staat twee keer in '{section.heading}' "
                    f"(ook op regel {seen[theme.title]})",
                    theme.line,
                )
            seen[theme.title] = theme.line


def is_section_heading(line):
    """Whether a paragraph of one line is read as a section heading (by its wording)."""
    return _is_heading(line.strip())


def _is_heading(line):
    return bool(HEADING_PATTERN.match(line)) and ":" not in line and not line.endswith(".")


def _join(lines):
    """Join wrapped lines: a word split at a line end ("F-" / "16") is put back together."""
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
        elif text.endswith("-") and text[-2:-1].strip() and not line.startswith(ELISION_FOLLOWERS):
            text += line
        else:
            text += " " + line
    return re.sub(r"\s+", " ", text).strip()
