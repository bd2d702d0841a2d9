"""Registering people and their personal settings."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import get_timezone_location

from core.clock import Clock
from core.ports import UnitOfWork
from core.users import Role, User

SUPPORTED_LOCALES = ("uk", "en")


@dataclass(frozen=True)
class Newcomer:
    telegram_id: int
    first_name: str
    language_code: str | None


async def register_or_refresh(
    uow: UnitOfWork, clock: Clock, newcomer: Newcomer, *, default_locale: str, default_timezone: str
) -> tuple[User, bool]:
    """Return the person behind an update, creating them on first contact.

    The second value says whether they are new. A returning person who wrote
    to us is reachable again even if a send to them failed before.
    """
    user = await uow.users.get(newcomer.telegram_id)
    if user is None:
        user = User(
            telegram_id=newcomer.telegram_id,
            first_name=newcomer.first_name or "—",
            locale=guess_locale(newcomer.language_code, default_locale),
            timezone=default_timezone,
            created_at=clock.now(),
            roles={Role.CLIENT},
        )
        await uow.users.add(user)
        await uow.commit()
        return user, True
    if not user.reachable or user.first_name != newcomer.first_name:
        user.reachable = True
        user.first_name = newcomer.first_name or user.first_name
        await uow.users.save(user)
        await uow.commit()
    else:
        await uow.rollback()  # nothing changed; let go of the transaction
    return user, False


def guess_locale(language_code: str | None, default_locale: str) -> str:
    code = (language_code or "").split("-")[0].lower()
    return code if code in SUPPORTED_LOCALES else default_locale


async def choose_locale(uow: UnitOfWork, user: User, locale: str) -> User:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    user.locale = locale
    await uow.users.save(user)
    await uow.commit()
    return user


class UnknownTimezone(ValueError):
    pass


def resolve_timezone(text: str) -> str:
    """Turn what a person typed ("Europe/Warsaw", "warsaw", "New York", «Київ», «нью-йорк») into an IANA zone."""
    wanted = _folded(text)
    if not wanted:
        raise UnknownTimezone(text)
    zones = _zones_by_folded_name()
    if wanted in zones:
        return zones[wanted]
    by_city = {zone for folded, zone in zones.items() if folded.rsplit("/", 1)[-1] == wanted}
    by_city |= _zones_by_city().get(wanted, set())
    if len(by_city) > 1:  # links such as Europe/Kiev or US/Eastern: keep the zone named after that city
        by_city = {zone for zone in by_city if _folded(zone.rsplit("/", 1)[-1]) == _folded(_city(zone, "en"))}
    if len(by_city) == 1:
        return by_city.pop()
    if wanted == "kiev":
        return "Europe/Kyiv"
    raise UnknownTimezone(text)


def _folded(name: str) -> str:
    return "_".join(name.replace("-", " ").replace("_", " ").split()).casefold()


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {_folded(zone): zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/"))}


@cache
def _zones_by_city() -> dict[str, set[str]]:
    """Each zone's city as Babel names it in every language we speak («Київ», "Kyiv")."""
    cities: dict[str, set[str]] = {}
    for zone in _zones_by_folded_name().values():
        for locale in SUPPORTED_LOCALES:
            cities.setdefault(_folded(_city(zone, locale)), set()).add(zone)
    return cities


def _city(zone: str, locale: str) -> str:
    return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)


async def choose_timezone(uow: UnitOfWork, user: User, zone: str) -> User:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimezone(zone) from error
    user.timezone = zone
    user.timezone_chosen = True
    await uow.users.save(user)
    await uow.commit()
    return user
