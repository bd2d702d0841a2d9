"""The pages: a therapist's landing, the directory, and the page for specialists.

Each handler reads through one core use case, like a bot handler does, and renders a template.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import datetime
from html import escape
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from core.rules import platform_figures
from core.rules.requirements import MIN_CERTIFIED_HOURS, MIN_PRACTICE_YEARS
from core.therapists import APPROACHES, LANGUAGES, PRICE_BANDS, TOPICS, TherapistProfile
from core.usecases.directory import Filters, Listing, find_therapists, listed_share_codes
from core.usecases.public_pages import Standing, specialists_page, therapist_landing
from web.links import BotLinks, landing_path
from web.reader import Reader, known_zone
from web.site import page_url, reader_of, site_of

SHARE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DIRECTORY_PAGE_SIZE = 12
DESCRIPTION_LIMIT = 200
CARD_TOPICS = 3
BIO_LINE_LIMIT = 140


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
    name = therapist.name_for(reader.locale)
    if page.standing is Standing.AWAY:
        return aiohttp_jinja2.render_template("away.html", request, {"therapist": therapist, "name": name})
    links = await site.bot_links()
    context = {
        "therapist": therapist,
        "years": _years(reader, therapist),
        "price": reader.money(therapist.price_minor),
        "times": [_time(reader, links, code, start) for start in page.free],
        "book_href": links.profile(code),
        "photo_url": await _shown_photo(request, therapist),
        "name": name,
        "initials": initials(name),
        "description": _description(therapist, reader),
        "paragraphs": _paragraphs(therapist.about_for(reader.locale)),
        "education": _paragraphs(therapist.education_for(reader.locale)),
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
    links = await site.bot_links()
    photos = await asyncio.gather(*(_shown_photo(request, listing.therapist) for listing in found.listings))
    context = {
        "found": found.found,
        "cards": [_card(request, reader, links, listing, photo) for listing, photo in zip(found.listings, photos, strict=True)],
        "groups": _filter_groups(request, reader, chosen),
        "filtered": any(chosen.values()),
        "match_href": links.match(),
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
    public = platform_figures.for_the_public(page.figures)
    links = await site.bot_links()
    earnings = public.earnings_per_therapist_minor
    figures = [
        (value, label)
        for value, label in (
            (public.new_bookings_per_day, reader.gettext("New bookings a day, on average")),
            (public.sessions_per_therapist, reader.gettext("Sessions per specialist, on average")),
            (public.new_clients_per_therapist, reader.gettext("New clients per specialist, on average")),
        )
        if value is not None
    ]
    context = {
        "figures": [
            *((reader.number(value), label) for value, label in figures),
            *([(reader.money(earnings), reader.gettext("Expected earnings per specialist, on average"))] if earnings is not None else []),
        ],
        "month_start": reader.date(page.figures.month.start),
        "min_specialists": platform_figures.MIN_PUBLIC_SPECIALISTS,
        "min_count": platform_figures.MIN_PUBLIC_COUNT,
        "fee": reader.percent(site.fee_basis_points),
        "testimonials": page.testimonials,
        "apply_href": links.apply(request.query.get("ref")),
        "min_years": MIN_PRACTICE_YEARS,
        "min_hours": MIN_CERTIFIED_HOURS,
    }
    return aiohttp_jinja2.render_template("for_specialists.html", request, context)


async def zone(request: web.Request) -> web.StreamResponse:
    """How the visitor's own zone reads on the pages («Київ, UTC+2»): the page's script asks with the browser's zone."""
    site, reader = site_of(request), reader_of(request)
    name = request.query.get("name", "")
    if not known_zone(name):
        raise web.HTTPNotFound
    return web.json_response({"label": reader.zone_label(name, site.clock.now())}, headers={"Cache-Control": "no-store"})


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
    about = " ".join(therapist.about_for(reader.locale).split())
    text = f"{summary} {about}".strip()
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


async def _shown_photo(request: web.Request, therapist: TherapistProfile) -> str | None:
    """The photo's address if there is a copy to serve: a photo Telegram cannot give is left out, not shown broken."""
    if not therapist.photo_file_id or await site_of(request).photos.local_copy(therapist.photo_file_id) is None:
        return None
    return photo_path(therapist)


def _card(request: web.Request, reader: Reader, links: BotLinks, listing: Listing, photo_url: str | None) -> dict[str, Any]:
    therapist = listing.therapist
    code = therapist.share_code
    name = therapist.name_for(reader.locale)  # the English one for an English visitor, when the therapist gave it
    return {
        "name": name,
        "initials": initials(name),
        "years": _years(reader, therapist),
        "bio": bio_line(therapist.about_for(reader.locale)),
        "price": reader.money(therapist.price_minor),
        "topics": reader.topics(therapist.topics[:CARD_TOPICS]),
        "languages": reader.languages(therapist.languages),
        "approaches": reader.approaches(therapist.approaches),
        "url": page_url(request, landing_path(code)),
        "photo_url": photo_url,
        "next": _time(reader, links, code, listing.nearest) if listing.nearest is not None else None,
        "book_href": links.profile(code),
    }


def _years(reader: Reader, therapist: TherapistProfile) -> str:
    count = therapist.experience_years
    return reader.ngettext("{count} year of practice", "{count} years of practice", count).format(count=count)


def _time(reader: Reader, links: BotLinks, code: str, start: datetime) -> dict[str, Any]:
    """A free start as the pages show it (the platform's zone until the script shows the visitor's own) and its link."""
    return {"at": start, "day": reader.day(start), "time": reader.time(start), "href": links.booking(code, start)}


def initials(full_name: str) -> str:
    """«ІК» for Ірина Коваленко: the avatar of a therapist without a photo."""
    letters = [word[0] for word in full_name.split() if word[:1].isalpha()]
    return "".join(letters[:2]).upper() or "·"


def bio_line(about: str) -> str:
    """The first line of what a therapist wrote about their work, clipped to one line of a card."""
    first = next((line.strip() for line in about.splitlines() if line.strip()), "")
    if len(first) <= BIO_LINE_LIMIT:
        return first
    return first[: BIO_LINE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"


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
