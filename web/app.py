"""`build_web_app`: the pages as one aiohttp application, given what they read through.

The composition root hands in a unit of work, the clock, the gettext catalogues, the bot's username
and a photo source; the pages never import the bot.
"""
from __future__ import annotations

import gettext
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from core import platform_rules
from web import pages
from web.reader import LOCALES, Reader, choose_locale
from web.site import CHOSEN_LOCALE, READER, SITE, Site, page_url, reader_of, site_of

HERE = Path(__file__).parent
# The pages need nothing from elsewhere: no inline code, no other origin (the script asks its own server how the
# visitor's zone reads).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def build_web_app(site: Site) -> web.Application:
    app = web.Application(middlewares=[_headers, _reader, _not_found])
    app[SITE] = site
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        context_processors=[_page_context],
    )
    app.router.add_get("/", pages.home, name="home")
    app.router.add_get("/t/{code}", pages.landing, name="landing")
    app.router.add_get("/t/{code}/photo", pages.photo, name="photo")
    app.router.add_get("/therapists", pages.directory, name="directory")
    app.router.add_get("/for-specialists", pages.for_specialists, name="for_specialists")
    app.router.add_get("/zone", pages.zone, name="zone")
    app.router.add_get("/robots.txt", pages.robots, name="robots")
    app.router.add_get("/sitemap.xml", pages.sitemap, name="sitemap")
    app.router.add_static("/static", HERE / "static", name="static")
    return app


@web.middleware
async def _reader(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    site = site_of(request)
    locale, chosen = choose_locale(request.query.get("lang"), request.headers.get("Accept-Language"), site.default_locale)
    translations = site.translations.get(locale) or gettext.NullTranslations()
    request[READER] = Reader(locale, translations, site.zone)
    request[CHOSEN_LOCALE] = chosen
    response = await handler(request)
    if not chosen:
        response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = locale
    return response


@web.middleware
async def _not_found(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """A page that does not exist reads as one of ours, in the visitor's language."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return aiohttp_jinja2.render_template("not_found.html", request, {}, status=404)


@web.middleware
async def _headers(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    response = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _page_context(request: web.Request) -> dict[str, Any]:
    reader = reader_of(request)
    site = site_of(request)
    other = "en" if reader.locale == "uk" else "uk"
    switch = {key: value for key, value in request.query.items() if key != "lang"}
    switch["lang"] = other
    return {
        "_": reader.gettext,
        "rules": platform_rules,  # the numbers of the platform's rules, for the texts that state them
        "ngettext": reader.ngettext,
        "reader": reader,
        "lang": reader.locale,
        "url": lambda path, **params: page_url(request, path, **params),
        "absolute": site.absolute,
        "canonical": site.absolute(page_url(request, request.path)),
        "alternates": {locale: site.absolute(f"{request.path}?lang={locale}") for locale in LOCALES},
        "other_locale": other,
        "other_locale_url": request.path + "?" + urlencode(switch),
        "now": site.clock.now(),
    }
