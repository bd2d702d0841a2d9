"""The pages: a therapist's landing, the directory, and the page for specialists.

Each handler reads through one core use case, like a bot handler does, and renders a template.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
from html import escape
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from core.rules.requirements import MIN_CERTIFIED_HOURS, MIN_PRACTICE_YEARS
from core.therapists import APPROACHES, LANGUAGES, PRICE_BANDS, TOPICS, TherapistProfile
from core.usecases.directory import Filters, find_therapists, listed_share_codes
from core.usecases.public_pages import Standing, specialists_page, therapist_landing
from web.links import apply_link, booking_link, landing_path, profile_link
from web.reader import Reader
from web.site import page_url, reader_of, site_of

SHARE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DIRECTORY_PAGE_SIZE = 12
DESCRIPTION_LIMIT = 200
CARD_TOPICS = 3


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(page_url(request, "/therapists"))


async def landing(request: web.Request) -> web.StreamResponse:
    site, reader = site_of(request), reader_of(request)
    code = request.match_info["code"]
    if not SHARE_CODE.match(code):
        raise web.HTTPNotFound
    async with site.unit_of_work() as uow:
        page = await therapist_landing(uow, site.clock, code, site.booking_policy)
    if page.standing is Standing.UNKNOWN:
        raise web.HTTPNotFound
    assert page.therapist is not None
    therapist = page.therapist
    if page.standing is Standing.AWAY:
        return aiohttp_jinja2.render_template("away.html", request, {"therapist": therapist})
    username = await site.bot_username()
    context = {
        "therapist": therapist,
        "years": reader.ngettext("{count} year of practice", "{count} years of practice", therapist.experience_years).format(
            count=therapist.experience_years
        ),
        "price": reader.money(therapist.price_minor),
        "times": [
            {"at": start, "day": reader.day(start), "time": reader.time(start), "href": booking_link(username, code, start)}
            for start in page.free
        ],
        "book_href": profile_link(username, code),
        "photo_url": await _shown_photo(request, therapist),
        "description": _description(therapist, reader),
        "paragraphs": _paragraphs(therapist.about),
        "education": _paragraphs(therapist.education),
    }
    return aiohttp_jinja2.render_template("landing.html", request, context)


async def photo(request: web.Request) -> web.StreamResponse:
    """The therapist's photo from the bot's cache on disk; the token-bearing Telegram address never leaves the server."""
    site = site_of(request)
    code = request.match_info["code"]
    if not SHARE_CODE.match(code):
        raise web.HTTPNotFound
    async with site.unit_of_work() as uow:
        page = await therapist_landing(uow, site.clock, code, site.booking_policy, times=0)
    if page.standing is not Standing.LISTED or page.therapist is None or not page.therapist.photo_file_id:
        raise web.HTTPNotFound
    path = await site.photos.local_copy(page.therapist.photo_file_id)
    if path is None:
        raise web.HTTPNotFound
    return web.FileResponse(path, headers={"Content-Type": "image/jpeg", "Cache-Control": "public, max-age=86400"})


async def directory(request: web.Request) -> web.StreamResponse:
    site, reader = site_of(request), reader_of(request)
    chosen = _chosen_filters(request)
    price = int(chosen["price"]) if chosen["price"] else None
    filters = Filters(chosen["topic"] or None, chosen["approach"] or None, chosen["language"] or None, price)
    async with site.unit_of_work() as uow:
        found = await find_therapists(
            uow, site.clock, filters, site.booking_policy, page=_page_number(request) - 1, per_page=DIRECTORY_PAGE_SIZE
        )
    number, pages = found.number + 1, found.pages
    shown = [listing.therapist for listing in found.listings]
    context = {
        "found": found.found,
        "cards": [
            _card(request, reader, therapist, photo)
            for therapist, photo in zip(
                shown, await asyncio.gather(*(_shown_photo(request, therapist) for therapist in shown)), strict=True
            )
        ],
        "groups": _filter_groups(request, reader, chosen),
        "filtered": any(chosen.values()),
        "clear_url": page_url(request, "/therapists"),
        "page": number,
        "pages": pages,
        "previous_url": page_url(request, "/therapists", **chosen, page=number - 1) if number > 1 else None,
        "next_url": page_url(request, "/therapists", **chosen, page=number + 1) if number < pages else None,
    }
    return aiohttp_jinja2.render_template("directory.html", request, context)


async def for_specialists(request: web.Request) -> web.StreamResponse:
    site, reader = site_of(request), reader_of(request)
    async with site.unit_of_work() as uow:
        page = await specialists_page(uow, site.clock, site.zone)
    figures = page.figures
    username = await site.bot_username()
    earnings = figures.earnings_per_therapist_minor
    context = {
        "figures": [
            (reader.number(figures.new_bookings_per_day), reader.gettext("New bookings a day, on average")),
            (reader.number(figures.sessions_per_therapist), reader.gettext("Sessions per specialist, on average")),
            (reader.number(figures.new_clients_per_therapist), reader.gettext("New clients per specialist, on average")),
            (reader.money(earnings) if earnings is not None else "—", reader.gettext("Expected earnings per specialist, on average")),
        ],
        "figures_shown": figures.worth_showing,
        "month_start": reader.date(figures.month.start),
        "testimonials": page.testimonials,
        "apply_href": apply_link(username, request.query.get("ref")),
        "min_years": MIN_PRACTICE_YEARS,
        "min_hours": MIN_CERTIFIED_HOURS,
    }
    return aiohttp_jinja2.render_template("for_specialists.html", request, context)


async def robots(request: web.Request) -> web.StreamResponse:
    site = site_of(request)
    return web.Response(text=f"User-agent: *\nAllow: /\nSitemap: {site.absolute('/sitemap.xml')}\n")


async def sitemap(request: web.Request) -> web.StreamResponse:
    """The pages a search engine may list: the directory, the page for specialists, every listed therapist's page."""
    site = site_of(request)
    async with site.unit_of_work() as uow:
        listed = await listed_share_codes(uow, site.clock)
    paths = ["/therapists", "/for-specialists", *(landing_path(code) for code in listed)]
    entries = "".join(f"<url><loc>{escape(site.absolute(path))}</loc></url>" for path in paths)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    return web.Response(text=body, content_type="application/xml")


def photo_path(therapist: TherapistProfile) -> str | None:
    """The photo's address changes with the photo, so a cached old one is never shown."""
    if not therapist.photo_file_id:
        return None
    version = hashlib.sha256(therapist.photo_file_id.encode()).hexdigest()[:12]
    return f"{landing_path(therapist.share_code)}/photo?v={version}"


def _description(therapist: TherapistProfile, reader: Reader) -> str:
    """The preview a shared link shows: who, what about, for how much; never more than a line or two."""
    summary = reader.gettext("{topics}. {price} per 50-minute session.").format(
        topics=", ".join(reader.topics(therapist.topics[:CARD_TOPICS])), price=reader.money(therapist.price_minor)
    )
    about = " ".join(therapist.about.split())
    text = f"{summary} {about}".strip()
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


async def _shown_photo(request: web.Request, therapist: TherapistProfile) -> str | None:
    """The photo's address if there is a copy to serve: a photo Telegram cannot give is left out, not shown broken."""
    if not therapist.photo_file_id or await site_of(request).photos.local_copy(therapist.photo_file_id) is None:
        return None
    return photo_path(therapist)


def _card(request: web.Request, reader: Reader, therapist: TherapistProfile, photo_url: str | None) -> dict[str, Any]:
    return {
        "name": therapist.full_name,
        "price": reader.money(therapist.price_minor),
        "topics": reader.topics(therapist.topics[:CARD_TOPICS]),
        "languages": reader.languages(therapist.languages),
        "approaches": reader.approaches(therapist.approaches),
        "url": page_url(request, landing_path(therapist.share_code)),
        "photo_url": photo_url,
    }


def _chosen_filters(request: web.Request) -> dict[str, str]:
    """The filters in the address; a value the platform does not know is read as "any"."""
    known = {"topic": TOPICS, "approach": APPROACHES, "language": LANGUAGES}
    chosen = {field: value if (value := request.query.get(field, "")) in codes else "" for field, codes in known.items()}
    price = request.query.get("price", "")
    chosen["price"] = price if price.isdigit() and int(price) < len(PRICE_BANDS) else ""
    return chosen


def _page_number(request: web.Request) -> int:
    page = request.query.get("page", "1")
    return int(page) if page.isdigit() and 0 < len(page) < 6 and int(page) > 0 else 1


def _filter_groups(request: web.Request, reader: Reader, chosen: dict[str, str]) -> list[dict[str, Any]]:
    def option(field: str, value: str, text: str) -> dict[str, Any]:
        return {
            "text": text,
            "url": page_url(request, "/therapists", **{**chosen, field: value}),
            "current": chosen[field] == value,
        }

    price_names = [reader.price_band(index) for index in range(len(PRICE_BANDS))]
    groups = [
        ("topic", reader.gettext("Topic"), list(zip(TOPICS, reader.topics(TOPICS), strict=True))),
        ("approach", reader.gettext("Approach"), list(zip(APPROACHES, reader.approaches(APPROACHES), strict=True))),
        ("language", reader.gettext("Language"), list(zip(LANGUAGES, reader.languages(LANGUAGES), strict=True))),
        ("price", reader.gettext("Price per session"), [(str(index), name) for index, name in enumerate(price_names)]),
    ]
    listed = []
    for field, title, options in groups:
        links = [option(field, "", reader.gettext("All")), *(option(field, code, name) for code, name in options)]
        current = next(link["text"] for link in links if link["current"])
        listed.append({"field": field, "title": title, "options": links, "current": current, "chosen": bool(chosen[field])})
    return listed
