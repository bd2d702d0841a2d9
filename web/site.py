"""What the pages are given by the composition root, and what every page reads from its request."""
from __future__ import annotations

import gettext
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from aiohttp import web

from core.clock import Clock
from core.ports import UnitOfWork
from core.usecases.booking import BookingPolicy
from web.links import BotLinks
from web.reader import Reader


class PhotoSource(Protocol):
    async def local_copy(self, file_id: str) -> Path | None:
        """A copy on disk of a Telegram photo, fetched once; None when Telegram cannot give it."""


@dataclass(frozen=True)
class Site:
    unit_of_work: Callable[[], AbstractAsyncContextManager[UnitOfWork]]
    clock: Clock
    translations: Mapping[str, gettext.NullTranslations]
    bot_username: Callable[[], Awaitable[str]]
    photos: PhotoSource
    public_base_url: str
    booking_policy: BookingPolicy
    zone: str  # the platform's zone: the month of the figures, and times before the visitor's own are known
    fee_basis_points: int  # the platform's fee (core/payments.py: PaymentPolicy), which the page for specialists states
    default_locale: str = "uk"
    demo_page: str | None = None  # `make demo`: links into the bot open the demo page's chats, not t.me

    async def bot_links(self) -> BotLinks:
        return BotLinks(await self.bot_username(), self.demo_page)

    def absolute(self, path: str) -> str:
        return self.public_base_url.rstrip("/") + path


SITE = web.AppKey("site", Site)
READER = web.RequestKey("reader", Reader)
CHOSEN_LOCALE = web.RequestKey("locale_chosen", bool)  # the language came from ?lang=, so links keep it


def site_of(request: web.Request) -> Site:
    return request.app[SITE]


def reader_of(request: web.Request) -> Reader:
    return request[READER]


def page_url(request: web.Request, path: str, **params: Any) -> str:
    """A link to another page that keeps a language the visitor chose in the address."""
    query = {key: value for key, value in params.items() if value not in (None, "")}
    if request[CHOSEN_LOCALE]:
        query["lang"] = reader_of(request).locale
    return path + ("?" + urlencode(query) if query else "")
