"""The visitor of a page: their language (from ?lang= or Accept-Language) and how text reads for them.

Dates, times, numbers and money are formatted by `core/formatting.py` (Babel), as the bot formats them; times are shown
in the platform's zone on the server and turned into the visitor's own zone by the page's script.
"""
from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_time

from core import formatting
from core.therapist_names import APPROACH_NAMES, LANGUAGE_NAMES, TOPIC_NAMES

LOCALES = ("uk", "en")
ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


def choose_locale(asked: str | None, accept_language: str | None, default: str) -> tuple[str, bool]:
    """The page's language, and whether the visitor chose it in the address (links then keep it)."""
    if asked in LOCALES:
        return asked, True
    for tag in _preferred(accept_language or ""):
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary, False
    return default, False


def _preferred(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first (ties keep their order)."""
    weighted = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag.lower()))
    return [tag for *_key, tag in sorted(weighted)]


def known_zone(name: str) -> bool:
    """An IANA zone this computer knows (legacy names such as Europe/Kiev too): what a browser may report."""
    if len(name) > 64 or not ZONE_NAME.match(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def utc_offset(offset: timedelta | None) -> str:
    """«UTC+2», «UTC−3:30», «UTC»: as the page's script writes the visitor's own."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")


@dataclass(frozen=True)
class Reader:
    locale: str
    translations: gettext.NullTranslations
    zone: str  # the platform's zone: what times read in before the page's script shows the visitor's own

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def money(self, minor_units: int) -> str:
        return formatting.money(minor_units, self.locale)

    def number(self, value: Decimal | int | None) -> str:
        return "—" if value is None else formatting.number(value, self.locale, places=2)

    def price_band(self, index: int) -> str:
        return formatting.price_band(index, self.locale, self.gettext)

    def date(self, moment: datetime) -> str:
        """«1 листопада», «1 November»: a date in the case a sentence needs after «з»/"since"."""
        return formatting.skeleton(moment, "MMMMd", self.zone, self.locale)

    def day(self, moment: datetime) -> str:
        return formatting.skeleton(moment, "MMMEd", self.zone, self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(moment, "HH:mm", tzinfo=ZoneInfo(self.zone), locale=formatting.babel_locale(self.locale))

    def zone_name(self, now: datetime) -> str:
        return self.zone_label(self.zone, now)

    def zone_label(self, zone: str, now: datetime) -> str:
        """«Київ, UTC+2»: a zone by its city in the reader's language (Europe/Kiev too), with its offset now;
        a zone with no city (UTC, Etc/GMT-3) by its offset alone."""
        offset = utc_offset(now.astimezone(ZoneInfo(zone)).utcoffset())
        city = formatting.zone_city(zone, self.locale)
        return offset if city.startswith("UTC") else f"{city}, {offset}"

    def percent(self, basis_points: int) -> str:
        return formatting.percent(basis_points, self.locale)

    def topics(self, codes: Iterable[str]) -> list[str]:
        return self._names(TOPIC_NAMES, codes)

    def approaches(self, codes: Iterable[str]) -> list[str]:
        return self._names(APPROACH_NAMES, codes)

    def languages(self, codes: Iterable[str]) -> list[str]:
        return self._names(LANGUAGE_NAMES, codes)

    def _names(self, names: Mapping[str, str], codes: Iterable[str]) -> list[str]:
        return [self.gettext(names[code]) if code in names else code for code in codes]
