"""Gettext catalogues: Ukrainian first, English second.

Each topic keeps its own `.po` file under `locales/<lang>/LC_MESSAGES/`, so
work on one topic never touches another's catalogue; they are merged into
one `messages.mo` per language, which is what aiogram's I18n loads.
"""
from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
LOCALES = ("uk", "en")


def catalogue_parts(locale: str) -> list[Path]:
    return sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po"))


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Compile every language whose `.mo` is missing or older than its parts."""
    written = []
    for locale in LOCALES:
        parts = catalogue_parts(locale)
        target = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        newest = max((part.stat().st_mtime for part in parts), default=0.0)
        if not force and target.exists() and target.stat().st_mtime >= newest:
            continue
        merged = merge_parts(locale, parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as file:
            write_mo(file, merged, use_fuzzy=False)
        written.append(target)
    return written


def merge_parts(locale: str, parts: list[Path]) -> Catalog:
    merged = Catalog(locale=locale, domain=DOMAIN)
    for part in parts:
        with part.open("rb") as file:
            catalogue = read_po(file, locale=locale)
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    return merged


def build_i18n(default_locale: str) -> I18n:
    compile_catalogues()
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


# -- keeping catalogues complete (used by tests and `make missing-translations`)

PROJECT_DIR = Path(__file__).parent.parent
KEYWORDS = {"_": None, "__": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
# Where people's text is written: the bot's code, the web pages' code and templates, and the names in core.
SOURCES = (
    ("bot", [("**.py", "python")], KEYWORDS),
    ("web", [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")], KEYWORDS),
    ("core", [("**.py", "python")], {"N_": None}),
)


def extracted_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every translatable string in the code and templates, with where it is used."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, ...], list[str]] = {}
    for directory, method_map, keywords in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PROJECT_DIR / directory), method_map=method_map, keywords=keywords
        ):
            found.setdefault(message, []).append(f"{directory}/{filename}:{lineno}")
    return found


def missing_translations(locale: str) -> dict[str | tuple[str, ...], list[str]]:
    catalogue = merge_parts(locale, catalogue_parts(locale))
    missing = {}
    for message, places in extracted_messages().items():
        key = message[0] if isinstance(message, tuple) else message
        if key not in catalogue or not catalogue[key].string:
            missing[message] = places
    return missing


def po_skeleton(missing: dict[str | tuple[str, ...], list[str]]) -> str:
    """Entries to paste into a topic's `.po` and translate."""
    from babel.messages.pofile import normalize

    blocks = []
    for message, places in missing.items():
        comment = "\n".join(f"#: {place}" for place in places)
        if isinstance(message, tuple):
            blocks.append(
                f"{comment}\nmsgid {normalize(message[0], width=0)}\nmsgid_plural {normalize(message[1], width=0)}\n"
                'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n'
            )
        else:
            blocks.append(f'{comment}\nmsgid {normalize(message, width=0)}\nmsgstr ""\n')
    return "\n".join(blocks)
