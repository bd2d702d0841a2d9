"""A local Telegram Bot API server: what the end-to-end tests (and the playground) talk to instead of Telegram.

The real bot process talks to it over HTTP exactly as it would talk to
api.telegram.org (``TELEGRAM_API_BASE=fake.base_url``), while the test drives
scripted users, injects faults and inspects every call the bot made.

The emulation follows the Bot API where a bot can observe the difference:
updates stay unconfirmed until ``getUpdates`` is called with a higher offset
(so a crashed bot sees them again), a webhook is posted each update in order
with its secret and gets it again until it answers 200, ``allowed_updates`` is remembered between
calls, a second poller terminates the first with 409, message ids are counted
per chat, HTML/MarkdownV2 are parsed into entities and rejected when
malformed, and editing a message without changing it answers
"message is not modified". Those are the behaviours real bots trip over in
production, so the tests should trip over them too.
"""
from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import secrets
import socket
import time
import traceback
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web

__all__ = [
    "ApiError",
    "Call",
    "FakeTelegram",
    "FakeUser",
    "Payment",
    "UploadedFile",
    "WaitTimeout",
    "update_type",
]

# Update types Telegram delivers when a bot never narrowed allowed_updates.
ALL_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count",
    "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
    "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)
# An empty / never given allowed_updates means "everything except these".
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Methods that put a new message into a chat: the ones Telegram rate-limits.
MESSAGE_SENDING_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo",
    "sendAnimation", "sendInvoice", "copyMessage", "forwardMessage", "sendContact",
    "sendLocation",
})
# Methods that fail with 403 once the user has blocked the bot.
CHAT_DELIVERY_METHODS = MESSAGE_SENDING_METHODS | {
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "sendChatAction",
}

BOT_API_MESSAGE_LIMIT = 4096
BOT_API_CAPTION_LIMIT = 1024
BOT_API_CALLBACK_DATA_LIMIT = 64
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024

DEFAULT_BOT_USERNAME = "therapy_test_bot"
DEFAULT_BOT_FIRST_NAME = "Therapy Test Bot"

BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"
STALE_QUERY_DESCRIPTION = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
NOT_MODIFIED_DESCRIPTION = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
POLLING_CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Parameters that carry free text or identifiers: never JSON-decoded, so a
# message text of "123" or "[draft]" stays exactly what the bot sent.
_FREE_TEXT_PARAMS = frozenset({
    "text", "caption", "title", "description", "payload", "provider_token", "currency",
    "start_parameter", "url", "name", "short_description", "callback_query_id",
    "pre_checkout_query_id", "shipping_query_id", "inline_query_id", "error_message",
    "parse_mode", "action", "telegram_payment_charge_id", "icon_custom_emoji_id",
    "message_effect_id", "business_connection_id", "secret_token", "ip_address",
    "language_code", "emoji", "question", "explanation", "phone_number", "first_name",
    "last_name", "vcard", "address", "file_id", "photo", "document", "voice", "audio",
    "video", "animation", "sticker", "video_note", "thumbnail", "inline_message_id",
    "custom_title", "invite_link", "provider_data", "file_name",
})


# --------------------------------------------------------------------------- records



# Webhooks: how long an update's POST may take, and the pause before it is sent again.
WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_RETRY_SECONDS = 0.2


@dataclass
class UploadedFile:
    """A file the bot uploaded in a multipart request (``attach://`` resolved)."""

    filename: str | None
    content_type: str | None
    content: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.content)} bytes)"


@dataclass
class Call:
    """One Bot API request the bot made, recorded once it was answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    # The message this call created or edited, as it stood right after the call
    # (for copyMessage: the copy, although the method itself returns a MessageId).
    message: dict[str, Any] | None = None
    seq: int = 0
    at: float = 0.0

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """Text or caption as the user sees it (markup already rendered)."""
        if self.message is None:
            return None
        return self.message.get("text", self.message.get("caption"))

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def __repr__(self) -> str:
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        shown = {k: v for k, v in self.params.items() if k not in ("reply_markup",)}
        return f"Call#{self.seq}({self.method}, {shown!r}, {status})"


class ApiError(Exception):
    """An error answer: becomes {"ok": false, "error_code", "description"}."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class WaitTimeout(AssertionError):
    """The awaited calls did not happen in time (an assertion failure in a test)."""


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None
    content: bytes | None = None

    def read(self) -> bytes:
        # Files users "sent" have no bytes; a deterministic filler keeps downloads working.
        return self.content if self.content is not None else bytes(self.file_size)


@dataclass
class _Charge:
    user_id: int
    currency: str
    total_amount: int
    invoice_payload: str
    refunded: bool = False


class _Signal:
    """Wakes every current waiter at once; waiters re-check their condition.

    A fresh Event per generation avoids the clear()/wait() race of a shared Event.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, condition: Callable[[], Any], timeout: float) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            event = self._event
            outcome = condition()
            if outcome:
                return outcome
            remaining = deadline - loop.time()
            if remaining <= 0:
                return outcome
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass


# --------------------------------------------------------------------------- formatting


def utf16_len(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class _EntityParseError(ValueError):
    pass


class _TextBuilder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units written so far
        self.entities: list[dict[str, Any]] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def add_entity(self, entity: dict[str, Any] | None, start: int) -> None:
        if entity is not None and self.length > start:
            self.entities.append({**entity, "offset": start, "length": self.length - start})

    def finish(self) -> tuple[str, list[dict[str, Any]]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ATTR = re.compile(r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _unescape_html(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if body.startswith("#x") or body.startswith("#X"):
            return chr(int(body[2:], 16))
        if body.startswith("#"):
            return chr(int(body[1:]))
        return _HTML_NAMED_ENTITIES.get(body.lower(), match.group(0))

    return re.sub(r"&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);", replace, text)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Render Telegram's HTML subset into (text, entities) or raise like Telegram."""
    out = _TextBuilder(source)
    stack: list[tuple[str, dict[str, Any] | None, int]] = []
    i = 0
    while i < len(source):
        lt = source.find("<", i)
        chunk = source[i:] if lt == -1 else source[i:lt]
        if chunk:
            out.write(_unescape_html(chunk))
        if lt == -1:
            break
        offset = out.byte_offset(lt)
        gt = source.find(">", lt)
        if gt == -1:
            raise _EntityParseError(f"Unclosed start tag at byte offset {offset}")
        inner = source[lt + 1:gt]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _EntityParseError(f'Unexpected end tag at byte offset {offset}')
            tag, opened, start = stack.pop()
            if name and name != tag:
                raise _EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", found "</{name}>"'
                )
            out.add_entity(opened, start)
        else:
            match = re.match(r"[^\s/>]+", inner)
            if match is None:
                raise _EntityParseError(f"Unexpected end of name token at byte offset {offset}")
            name = match.group(0).lower()
            if name not in _HTML_TAGS:
                raise _EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
            attrs = {
                key.lower(): _unescape_html(value.strip("\"'")) if value else ""
                for key, value in _HTML_ATTR.findall(inner[match.end():].rstrip("/"))
            }
            entity: dict[str, Any] | None = {"type": _HTML_TAGS[name]}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _EntityParseError('Tag "span" must have class "tg-spoiler" at byte offset ' f"{offset}")
            if name == "a":
                entity = {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
            elif name == "tg-emoji":
                entity = {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
            elif name == "blockquote" and "expandable" in attrs:
                entity = {"type": "expandable_blockquote"}
            elif name == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] is not None:
                # <pre><code class="language-x"> is one pre entity with a language.
                language = attrs.get("class", "")
                if language.startswith("language-"):
                    stack[-1][1]["language"] = language[len("language-"):]
                    entity = None
            stack.append((name, entity, out.length))
        i = gt + 1
    if stack:
        raise _EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.finish()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
}


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Render MarkdownV2 into (text, entities); unescaped reserved characters fail like on Telegram."""
    out = _TextBuilder(source)
    open_styles: dict[str, tuple[int, int]] = {}  # type -> (text start, byte offset of marker)
    links: list[tuple[int, int, bool]] = []  # (text start, byte offset, is custom emoji)
    i, n = 0, len(source)

    def toggle(kind: str, at: int) -> None:
        if kind in open_styles:
            start, _ = open_styles.pop(kind)
            out.add_entity({"type": kind}, start)
        else:
            open_styles[kind] = (out.length, out.byte_offset(at))

    def read_until(closing: str, start: int, what: str) -> tuple[str, int]:
        body, j = [], start
        while j < n:
            if source[j] == "\\" and j + 1 < n:
                body.append(source[j + 1])
                j += 2
            elif source.startswith(closing, j):
                return "".join(body), j + len(closing)
            else:
                body.append(source[j])
                j += 1
        raise _EntityParseError(f"Can't find end of {what} entity at byte offset {out.byte_offset(start)}")

    while i < n:
        ch = source[i]
        at_line_start = i == 0 or source[i - 1] == "\n"
        if ch == "\\" and i + 1 < n and ord(source[i + 1]) <= 126:
            out.write(source[i + 1])
            i += 2
        elif source.startswith("```", i):
            body, i = read_until("```", i + 3, "PreCode")
            language, newline, rest = body.partition("\n")
            entity: dict[str, Any] = {"type": "pre"}
            if newline and language and " " not in language:
                entity["language"] = language
                body = rest
            start = out.length
            out.write(body)
            out.add_entity(entity, start)
        elif ch == "`":
            body, i = read_until("`", i + 1, "Code")
            start = out.length
            out.write(body)
            out.add_entity({"type": "code"}, start)
        elif ch == "*":
            toggle("bold", i)
            i += 1
        elif source.startswith("__", i):
            toggle("underline", i)
            i += 2
        elif ch == "_":
            toggle("italic", i)
            i += 1
        elif ch == "~":
            toggle("strikethrough", i)
            i += 1
        elif source.startswith("||", i):
            toggle("spoiler", i)
            i += 2
        elif source.startswith("![", i):
            links.append((out.length, out.byte_offset(i), True))
            i += 2
        elif ch == "[":
            links.append((out.length, out.byte_offset(i), False))
            i += 1
        elif ch == "]" and links and source.startswith("(", i + 1):
            start, _, is_emoji = links.pop()
            url, i = read_until(")", i + 2, "TextUrl")
            if is_emoji:
                emoji_id = url.partition("id=")[2]
                out.add_entity({"type": "custom_emoji", "custom_emoji_id": emoji_id}, start)
            else:
                out.add_entity({"type": "text_link", "url": url}, start)
        elif ch == ">" and at_line_start:
            end = source.find("\n", i)
            end = n if end == -1 else end
            start = out.length
            inner_text, inner_entities = parse_markdown_v2(source[i + 1:end])
            for entity in inner_entities:
                out.entities.append({**entity, "offset": entity["offset"] + start})
            out.write(inner_text)
            out.add_entity({"type": "blockquote"}, start)
            i = end
        elif ch in _MDV2_RESERVED:
            raise _EntityParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            out.write(ch)
            i += 1
    if open_styles:
        kind, (_, offset) = next(iter(open_styles.items()))
        raise _EntityParseError(f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {offset}")
    if links:
        raise _EntityParseError(f"Can't find end of TextUrl entity at byte offset {links[0][1]}")
    return out.finish()


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _TextBuilder(source)
    i, n = 0, len(source)
    markers = {"*": "bold", "_": "italic"}
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.write(source[i + 1])
            i += 2
            continue
        closing, kind, width = None, None, 1
        if source.startswith("```", i):
            closing, kind, width = "```", "pre", 3
        elif ch == "`":
            closing, kind = "`", "code"
        elif ch in markers:
            closing, kind = ch, markers[ch]
        elif ch == "[":
            end = source.find("](", i)
            close = source.find(")", end + 2) if end != -1 else -1
            if close == -1:
                raise _EntityParseError(
                    f"Can't find end of the entity starting at byte offset {out.byte_offset(i)}"
                )
            start = out.length
            out.write(source[i + 1:end])
            out.add_entity({"type": "text_link", "url": source[end + 2:close]}, start)
            i = close + 1
            continue
        if closing is None:
            out.write(ch)
            i += 1
            continue
        end = source.find(closing, i + width)
        if end == -1:
            raise _EntityParseError(
                f"Can't find end of the entity starting at byte offset {out.byte_offset(i)}"
            )
        start = out.length
        out.write(source[i + width:end])
        out.add_entity({"type": kind}, start)
        i = end + width
    return out.finish()


_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def render_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[dict[str, Any]]]:
    """Turn what the bot sent into what the user sees, the way Telegram does."""
    # Explicit entities win over parse_mode: the text is then taken literally.
    if parse_mode and not isinstance(entities, list):
        parser = _PARSERS.get(str(parse_mode).lower())
        if parser is None:
            raise bad_request("unsupported parse_mode")
        try:
            plain, found = parser(text)
        except _EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        plain, found = text, list(entities) if isinstance(entities, list) else []
    # Telegram trims surrounding whitespace and shifts the entities accordingly.
    stripped = plain.lstrip()
    shift = utf16_len(plain) - utf16_len(stripped)
    stripped = stripped.rstrip()
    limit = utf16_len(stripped)
    kept = []
    for entity in found:
        start = max(entity.get("offset", 0) - shift, 0)
        end = min(entity.get("offset", 0) + entity.get("length", 0) - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


# --------------------------------------------------------------------------- the server


_API_METHODS: dict[str, str] = {}  # lower-cased Telegram name -> handler attribute
_CANONICAL: dict[str, str] = {}  # lower-cased -> Telegram spelling, filled by @_api


def _api(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            _API_METHODS[name.lower()] = handler.__name__
            _CANONICAL[name.lower()] = name
        return handler

    return register


@dataclass
class _WithMessage:
    """A handler result together with the message it created or changed."""

    result: Any
    message: dict[str, Any]


@dataclass
class _Ctx:
    token: str
    bot: dict[str, Any]


class FakeTelegram:
    """A Bot API server on 127.0.0.1 for one bot (see the module docstring)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_FIRST_NAME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.port = port
        # With a token set, requests for any other token answer 401 like Telegram.
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self._clock = clock
        self._runner: web.AppRunner | None = None
        self._closing = False

        self._last_token: str | None = token
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, FakeUser] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = defaultdict(int)
        self._reply_keyboards: dict[int, dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._invoices: dict[tuple[int, int], dict[str, Any]] = {}
        self._invoice_links: dict[str, dict[str, Any]] = {}
        self._charges: dict[str, _Charge] = {}
        self._open_callback_queries: set[str] = set()
        self._open_pre_checkout_queries: set[str] = set()
        self._topics: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._ids = itertools.count(1)

        # Updates: unconfirmed ones wait here until an offset passes them.
        self._next_update_id = 100_000_001
        self._pending: list[dict[str, Any]] = []
        self._redeliveries: list[dict[str, Any]] = []
        self._updates_signal = _Signal()
        self._poll_generation = 0
        self._polls_started = 0
        self.allowed_updates: list[str] | None = None
        self.allowed_updates_history: list[list[str]] = []
        self.pushed_updates: list[dict[str, Any]] = []
        self.delivered_updates: list[dict[str, Any]] = []
        self.dropped_updates: list[dict[str, Any]] = []
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        # Every POST of an update to the webhook, as (update_id, status or None when the connection failed).
        self.webhook_attempts: list[tuple[int, int | None]] = []
        self._webhook_pusher: asyncio.Task[None] | None = None

        # Calls.
        self._calls: list[Call] = []
        self._seq = 0
        self._calls_signal = _Signal()

        # Faults and limits.
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self.blocked_chats: set[int] = set()
        self._limits: tuple[int | None, int | None] | None = None
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)
        self.too_many_requests_count = 0

        # Bot settings the bot configured, for assertions.
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_names: dict[str, str] = {}
        self.bot_descriptions: dict[str, str] = {}
        self.bot_short_descriptions: dict[str, str] = {}
        self.refunds: list[dict[str, Any]] = []
        # Exceptions inside the emulator itself (answered as 400); a test may assert it is empty.
        self.internal_errors: list[str] = []
        # Called with every call the bot made, once answered (the demo page follows the chats so).
        self.call_listeners: list[Callable[[Call], None]] = []

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_route)
        # Long polls are woken on stop(), so a short shutdown grace is enough.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        self._stop_pushing()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ the bot itself

    @property
    def bot_id(self) -> int:
        return _bot_id_from_token(self._last_token or "123456:")

    @property
    def bot_user(self) -> dict[str, Any]:
        return self._bot_user(self._last_token or "123456:")

    def _bot_user(self, token: str) -> dict[str, Any]:
        return {
            "id": _bot_id_from_token(token),
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _now(self) -> int:
        return int(self._clock())

    # ------------------------------------------------------------------ users and chats

    def user(
        self,
        id: int,
        first_name: str = "Olena",
        language_code: str | None = "uk",
        username: str | None = None,
        *,
        last_name: str | None = None,
        is_premium: bool = False,
    ) -> FakeUser:
        """A scripted Telegram user with a private chat to the bot (chat id == user id)."""
        user = FakeUser(
            self, id, first_name=first_name, last_name=last_name, username=username,
            language_code=language_code, is_premium=is_premium,
        )
        self._users[id] = user
        chat: dict[str, Any] = {"id": id, "type": "private", "first_name": first_name}
        if last_name:
            chat["last_name"] = last_name
        if username:
            chat["username"] = username
        self._chats[id] = chat
        return user

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str = "supergroup",
        title: str = "Test group",
        username: str | None = None,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        """Register a group/supergroup/channel the bot is a member of."""
        chat: dict[str, Any] = {"id": chat_id, "type": type, "title": title}
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object for an id; unknown ids are treated as existing chats."""
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                chat = {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
            self._chats[chat_id] = chat
        return chat

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a message (after edits), or None if it does not exist (any more)."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def chat_history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every existing message in a chat, oldest first, in its current state."""
        return [
            copy.deepcopy(message)
            for (chat, _), message in sorted(self._messages.items(), key=lambda item: item[0][1])
            if chat == chat_id
        ]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.chat_history(chat_id) if m.get("from", {}).get("is_bot")]

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The ReplyKeyboardMarkup the user currently sees in a chat, if any."""
        markup = self._reply_keyboards.get(chat_id)
        return copy.deepcopy(markup) if markup is not None else None

    def _create_message(
        self,
        chat_id: int,
        sender: dict[str, Any],
        content: Mapping[str, Any],
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        # One id sequence per chat, shared by both sides like in a real private chat.
        self._last_message_id[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self._last_message_id[chat_id],
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(self.chat(chat_id)),
            "date": self._now(),
        }
        if message_thread_id:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        if reply_to_message_id:
            replied = self._messages.get((chat_id, reply_to_message_id))
            if replied is not None:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        message.update(copy.deepcopy(dict(content)))
        self._messages[(chat_id, message["message_id"])] = message
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ updates

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update; an update_id is assigned unless one is given."""
        given = copy.deepcopy(dict(update))
        queued = {"update_id": given.pop("update_id", self._next_update_id), **given}
        self._next_update_id = max(self._next_update_id, int(queued["update_id"]) + 1)
        self._pending.append(queued)
        self._pending.sort(key=lambda u: u["update_id"])
        self.pushed_updates.append(copy.deepcopy(queued))
        self._updates_signal.fire()
        return queued

    def redeliver(self, update: Mapping[str, Any] | int | None = None) -> dict[str, Any]:
        """Deliver an update again with the SAME update_id and content.

        This is what Telegram does when the bot never confirmed it (crash before
        the next getUpdates); here it is forced even if the offset already passed it,
        so a test does not have to win that race. Default: the last pushed update.
        """
        if update is None:
            if not self.pushed_updates:
                raise LookupError("no update has been pushed yet")
            update = self.pushed_updates[-1]
        elif isinstance(update, int):
            matches = [u for u in self.pushed_updates if u["update_id"] == update]
            if not matches:
                raise LookupError(f"no pushed update with update_id {update}")
            update = matches[-1]
        again = copy.deepcopy(dict(update))
        self._redeliveries.append(again)
        self._updates_signal.fire()
        return again

    def duplicate_last(self, *, same_update_id: bool = True) -> dict[str, Any]:
        """Re-send the last pushed update.

        same_update_id=True (default): Telegram's own re-delivery of an unconfirmed update.
        same_update_id=False: the same payload under a new update_id (a duplicate the
        client or network produced; the message_id inside stays the same).
        """
        if not self.pushed_updates:
            raise LookupError("no update has been pushed yet")
        last = self.pushed_updates[-1]
        if same_update_id:
            return self.redeliver(last)
        fresh = {k: v for k, v in last.items() if k != "update_id"}
        return self.push_update(fresh)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._redeliveries + self._pending)

    def _allowed(self, update: Mapping[str, Any]) -> bool:
        kind = update_type(update)
        if not self.allowed_updates:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self.allowed_updates

    def _take_updates(self, limit: int) -> list[dict[str, Any]]:
        # Filtering here rather than at push time is stricter than Telegram (which
        # still hands out updates created before allowed_updates changed), so a bot
        # that forgot to ask for a type is caught even if the test pushed early.
        for update in [u for u in self._pending if not self._allowed(u)]:
            self._pending.remove(update)
            self.dropped_updates.append(update)
        forced = [u for u in self._redeliveries if self._allowed(u)]
        self._redeliveries.clear()
        forced_ids = {u["update_id"] for u in forced}
        batch = (forced + [u for u in self._pending if u["update_id"] not in forced_ids])[:limit]
        # Forced re-deliveries that did not fit stay forced for the next call.
        self._redeliveries = forced[limit:]
        return copy.deepcopy(batch)

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        else:
            self._pending = self._pending[offset:]

    async def wait_polling(self, *, since_polls: int = 0, timeout: float = 10.0) -> None:
        """Wait until a getUpdates request has arrived (the bot is up and polling)."""
        ok = await self._calls_signal.wait_until(lambda: self._polls_started > since_polls, timeout)
        if not ok:
            raise WaitTimeout(f"the bot did not call getUpdates within {timeout}s")

    @property
    def polls_started(self) -> int:
        return self._polls_started

    # ------------------------------------------------------------------ calls

    @property
    def call_count(self) -> int:
        """Sequence number the next recorded call gets; pass it as since= to look only ahead."""
        return self._seq

    def calls(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        ok: bool | None = None,
        since: int = 0,
    ) -> list[Call]:
        method = _CANONICAL.get(method.lower(), method) if method else None
        return [
            call for call in self._calls
            if (method is None or call.method == method)
            and (chat_id is None or call.chat_id == chat_id)
            and (ok is None or call.ok == ok)
            and call.seq >= since
        ]

    def last_call(self, method: str | None = None, chat_id: int | str | None = None) -> Call:
        found = self.calls(method, chat_id)
        if not found:
            raise LookupError(f"no {method or 'calls'} recorded" + (f" to chat {chat_id}" if chat_id else ""))
        return found[-1]

    def sent_texts(self, chat_id: int, *, since: int = 0) -> list[str]:
        """Texts and captions the bot sent or edited into a chat, in order, as rendered."""
        texts = []
        for call in self._calls:
            if call.method == "editMessageReplyMarkup":
                continue  # the text did not change
            if call.ok and call.seq >= since and call.message is not None and call.text is not None:
                if call.message["chat"]["id"] == chat_id:
                    texts.append(call.text)
        return texts

    def clear_calls(self) -> None:
        self._calls.clear()

    async def wait_for(
        self,
        predicate_or_method: str | Callable[[Call], bool],
        chat_id: int | str | None = None,
        timeout: float = 10.0,
        count: int = 1,
        *,
        since: int = 0,
    ) -> list[Call]:
        """Wait until at least `count` recorded calls match; returns all matches.

        A string matches a method name (case-insensitive); a callable gets each Call.
        """
        matches: Callable[[Call], bool]
        if isinstance(predicate_or_method, str):
            method = _CANONICAL.get(predicate_or_method.lower(), predicate_or_method)

            def matches(call: Call) -> bool:
                return call.method == method

            what = method
        else:
            matches = predicate_or_method
            what = getattr(predicate_or_method, "__name__", "predicate")

        def found() -> list[Call]:
            return [
                call for call in self._calls
                if call.seq >= since and (chat_id is None or call.chat_id == chat_id) and matches(call)
            ]

        def enough() -> list[Call]:
            matched = found()
            return matched if len(matched) >= count else []

        result = await self._calls_signal.wait_until(enough, timeout)
        if not result:
            recent = "\n  ".join(repr(c) for c in self._calls[-15:] if c.method != "getUpdates")
            raise WaitTimeout(
                f"expected {count} call(s) matching {what}"
                + (f" to chat {chat_id}" if chat_id is not None else "")
                + f" within {timeout}s, got {len(found())}. Recent calls:\n  {recent or '(none)'}"
            )
        return result

    def _record(self, call: Call) -> None:
        call.seq = self._seq
        call.at = time.monotonic()
        self._seq += 1
        self._calls.append(call)
        self._calls_signal.fire()
        for listener in self.call_listeners:
            listener(call)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead of handling them."""
        canonical = _canonical_or_raise(method)
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: BLOCKED_DESCRIPTION,
                409: POLLING_CONFLICT_DESCRIPTION,
                401: "Unauthorized",
                400: "Bad Request: injected failure",
            }.get(status, _status_phrase(status))
        self._faults[canonical].append(
            _Fault(status, description, retry_after if status == 429 else None, times)
        )

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` answers to `method` for a while (slow network / timeouts)."""
        canonical = _canonical_or_raise(method)
        self._delays[canonical].extend([seconds] * times)

    def cancel_delays(self) -> None:
        """Forget delays not used yet (a killed process may have died before it made the delayed call)."""
        self._delays.clear()

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every delivery to the chat answers 403."""
        self.blocked_chats.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.blocked_chats.discard(chat_id)

    def enforce_limits(self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1) -> None:
        """Answer 429 when message sends exceed Telegram's limits (sliding 1-second windows)."""
        self._limits = (global_per_second, per_chat_per_second)
        self._global_window.clear()
        self._chat_windows.clear()

    def disable_limits(self) -> None:
        self._limits = None

    def _check_limits(self, chat_id: int) -> None:
        if self._limits is None:
            return
        now = time.monotonic()
        global_limit, chat_limit = self._limits
        windows = [(self._global_window, global_limit), (self._chat_windows[chat_id], chat_limit)]
        for window, limit in windows:
            while window and window[0] <= now - 1.0:
                window.popleft()
            if limit is not None and len(window) >= limit:
                raise too_many_requests(max(1, math.ceil(window[0] + 1.0 - now)))

    def _count_send(self, chat_id: int) -> None:
        if self._limits is not None:
            now = time.monotonic()
            self._global_window.append(now)
            self._chat_windows[chat_id].append(now)

    # ------------------------------------------------------------------ HTTP

    async def _handle_unknown_route(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None or not self._token_accepted(request.match_info["token"]):
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.read(), content_type=stored.mime_type or "application/octet-stream")

    def _token_accepted(self, token: str) -> bool:
        return self.token is None or token == self.token

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        canonical = _CANONICAL.get(requested.lower())
        call = Call(method=canonical or requested, params={})
        try:
            call.params = await self._read_params(request)
            if not self._token_accepted(token):
                raise ApiError(401, "Unauthorized")
            self._last_token = token
            if canonical is None:
                raise ApiError(404, "Not Found: method not found")
            handler = getattr(self, _API_METHODS[requested.lower()])
            ctx = _Ctx(token=token, bot=self._bot_user(token))
            await self._before_handling(canonical, call.params)
            outcome = handler(call.params, ctx)
            if asyncio.iscoroutine(outcome):
                outcome = await outcome
            if isinstance(outcome, _WithMessage):
                call.result, call.message = outcome.result, outcome.message
            else:
                call.result = outcome
            if canonical in MESSAGE_SENDING_METHODS and isinstance(call.params.get("chat_id"), int):
                self._count_send(call.params["chat_id"])
            body, status = {"ok": True, "result": call.result}, 200
        except ApiError as error:
            body, status = error.to_json(), error.status
        except Exception as error:
            self.internal_errors.append(traceback.format_exc())
            body, status = bad_request(f"{type(error).__name__}: {error}").to_json(), 400
        if status != 200:
            call.ok, call.error_code, call.description = False, status, body["description"]
            if status == 429:
                self.too_many_requests_count += 1
        self._record(call)
        return web.json_response(body, status=status)

    async def _before_handling(self, method: str, params: dict[str, Any]) -> None:
        delays = self._delays.get(method)
        if delays:
            await asyncio.sleep(delays.popleft())
        faults = self._faults.get(method)
        if faults:
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.popleft()
            raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
        chat_id = params.get("chat_id")
        if method in CHAT_DELIVERY_METHODS and isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise ApiError(403, BLOCKED_DESCRIPTION)
        if method in MESSAGE_SENDING_METHODS and isinstance(chat_id, int):
            self._check_limits(chat_id)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.body_exists:
            content_type = request.content_type
            if content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise bad_request("the JSON request body must be an object")
                raw.update(body)
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                try:
                    form = await request.post()
                except Exception as error:
                    raise bad_request(f"can't parse request body: {error}") from None
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                    else:
                        raw[key] = value
        params = {key: _decode_param(key, value) for key, value in raw.items()}
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.pop(value[len("attach://"):], None)
                if attached is None:
                    raise bad_request(f"file {value} is not attached")
                params[key] = attached
        # Files posted directly under the parameter name (no attach://) are legal too.
        params.update({key: value for key, value in files.items() if key not in params})
        return params

    # ------------------------------------------------------------------ parameter helpers

    def _chat_id(self, params: Mapping[str, Any], key: str = "chat_id") -> int:
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            self.chat(value)
            return value
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    return chat["id"]
        raise bad_request("chat not found")

    def _int(self, params: Mapping[str, Any], key: str, default: int | None = None) -> int:
        value = params.get(key, default)
        if value is None:
            raise bad_request(f"{key} is empty")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                return int(str(value))
            except ValueError:
                raise bad_request(f"invalid {key} specified") from None
        return int(value)

    def _str(self, params: Mapping[str, Any], key: str) -> str:
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        return str(value)

    def _stored_message(self, chat_id: int, message_id: int, purpose: str) -> dict[str, Any]:
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise bad_request(f"message to {purpose} not found")
        return message

    def _inline_markup(self, params: Mapping[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
            for button in itertools.chain.from_iterable(rows):
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= BOT_API_CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
                if len(set(button) - {"text", "style", "icon_custom_emoji_id"}) != 1:
                    raise bad_request("text buttons are unallowed in the inline keyboard")
            return copy.deepcopy(markup)
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        return None

    def _remember_reply_keyboard(self, chat_id: int, params: Mapping[str, Any]) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            if "keyboard" in markup:
                self._reply_keyboards[chat_id] = copy.deepcopy(markup)
            elif markup.get("remove_keyboard"):
                self._reply_keyboards.pop(chat_id, None)

    def _rendered(self, params: Mapping[str, Any], key: str, entities_key: str, limit: int, too_long: str) -> dict[str, Any]:
        text, entities = render_text(str(params.get(key, "")), params.get("parse_mode"), params.get(entities_key))
        if utf16_len(text) > limit:
            raise bad_request(too_long)
        content: dict[str, Any] = {key: text} if text else {}
        if entities:
            content[entities_key] = entities
        return content

    def _caption(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if params.get("caption") in (None, ""):
            return {}
        return self._rendered(params, "caption", "caption_entities", BOT_API_CAPTION_LIMIT, "message caption is too long")

    def _send(
        self,
        ctx: _Ctx,
        params: Mapping[str, Any],
        content: dict[str, Any],
    ) -> _WithMessage:
        chat_id = self._chat_id(params)
        markup = self._inline_markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id", reply_to)
        thread_id = params.get("message_thread_id")
        message = self._create_message(
            chat_id, ctx.bot, content,
            message_thread_id=thread_id if isinstance(thread_id, int) else None,
            reply_to_message_id=reply_to if isinstance(reply_to, int) else None,
        )
        self._remember_reply_keyboard(chat_id, params)
        return _WithMessage(message, message)

    def _file_from_param(self, params: Mapping[str, Any], key: str, kind: str, *, mime_type: str | None = None) -> _StoredFile:
        value = params.get(key)
        if isinstance(value, UploadedFile):
            return self._store_file(
                kind, len(value.content), mime_type=value.content_type or mime_type,
                file_name=value.filename, content=value.content,
            )
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                return self._store_file(kind, 1024, mime_type=mime_type, file_name=value.rsplit("/", 1)[-1])
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {key} in the request")

    def _store_file(
        self,
        kind: str,
        file_size: int,
        *,
        file_id: str | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
        content: bytes | None = None,
    ) -> _StoredFile:
        number = next(self._ids)
        file_id = file_id or f"{kind.upper()}-{number}-{secrets.token_hex(6)}"
        if file_name and "." in file_name:
            extension = file_name.rpartition(".")[2]
        else:
            extension = {"photo": "jpg", "voice": "oga", "audio": "mp3", "video": "mp4"}.get(kind, "bin")
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=f"U{zlib.crc32(file_id.encode()):08x}",
            file_size=file_size,
            file_path=f"{kind}s/file_{number}.{extension}",
            mime_type=mime_type,
            file_name=file_name,
            content=content,
        )
        self._files[file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def add_file(
        self,
        file_id: str,
        file_size: int,
        *,
        kind: str = "document",
        mime_type: str | None = None,
        file_name: str | None = None,
        content: bytes | None = None,
    ) -> dict[str, Any]:
        """Make a file_id known to getFile and downloads (users' uploads do this themselves)."""
        stored = self._store_file(
            kind, file_size, file_id=file_id, mime_type=mime_type, file_name=file_name, content=content,
        )
        return _file_object(stored)

    def stored_file(self, file_id: str) -> tuple[str | None, str | None, bytes] | None:
        """(file name, MIME type, bytes) of a file the bot or a user sent, or None if unknown."""
        stored = self._files.get(file_id)
        return None if stored is None else (stored.file_name, stored.mime_type, stored.read())

    # ------------------------------------------------------------------ API: getting updates

    @_api("getUpdates")
    async def _get_updates(self, params: dict[str, Any], ctx: _Ctx) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        offset = self._int(params, "offset") if offset not in (None, "") else None
        limit = min(max(self._int(params, "limit", 100), 1), 100)
        timeout = params.get("timeout", 0)
        try:
            timeout = max(float(timeout), 0.0)
        except (TypeError, ValueError):
            raise bad_request("invalid timeout specified") from None
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed_updates JSON array")
            self.allowed_updates = [str(kind) for kind in allowed]
            self.allowed_updates_history.append(list(self.allowed_updates))

        # A newer poller terminates the older one, as Telegram does.
        self._poll_generation += 1
        generation = self._poll_generation
        self._polls_started += 1
        self._updates_signal.fire()
        self._calls_signal.fire()
        self._confirm(offset)

        superseded = False

        def ready() -> list[dict[str, Any]] | bool:
            nonlocal superseded
            if self._closing:
                return True
            if generation != self._poll_generation:
                superseded = True
                return True
            return bool(self._redeliveries) or any(self._allowed(u) for u in self._pending)

        await self._updates_signal.wait_until(ready, timeout)
        if superseded:
            raise ApiError(409, POLLING_CONFLICT_DESCRIPTION)
        if self._closing:
            return []
        batch = self._take_updates(limit)
        self.delivered_updates.extend(copy.deepcopy(batch))
        return batch

    @_api("deleteWebhook")
    def _delete_webhook(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.webhook_url = ""
        self._stop_pushing()
        if params.get("drop_pending_updates") is True:
            self.dropped_updates.extend(self._pending)
            self._pending.clear()
            self._redeliveries.clear()
        return True

    @_api("setWebhook")
    def _set_webhook(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret = params.get("secret_token") or None
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed]
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        if self.webhook_url and self._webhook_pusher is None:
            self._webhook_pusher = asyncio.ensure_future(self._push_to_webhook())
        return True

    async def _push_to_webhook(self) -> None:
        """Post pending updates one at a time, oldest first, until each is answered 200 (as Telegram does)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT_SECONDS)) as http:
            while self.webhook_url and not self._closing:
                batch = self._take_updates(1)
                if not batch:
                    await self._updates_signal.wait_until(
                        lambda: self._closing or not self.webhook_url or self._redeliveries
                        or any(self._allowed(u) for u in self._pending),
                        WEBHOOK_TIMEOUT_SECONDS,
                    )
                    continue
                update = batch[0]
                status: int | None = None
                try:
                    async with http.post(self.webhook_url, json=update, headers=headers) as answer:
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError):
                    status = None
                self.webhook_attempts.append((update["update_id"], status))
                self._calls_signal.fire()
                if status == 200:
                    self.delivered_updates.append(update)
                    self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
                else:
                    self._redeliveries.insert(0, update)  # sent again, first, after a pause
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)

    def _stop_pushing(self) -> None:
        if self._webhook_pusher is not None:
            self._webhook_pusher.cancel()
            self._webhook_pusher = None

    @_api("getWebhookInfo")
    def _get_webhook_info(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.allowed_updates:
            info["allowed_updates"] = list(self.allowed_updates)
        return info

    # ------------------------------------------------------------------ API: the bot

    @_api("getMe")
    def _get_me(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        return ctx.bot

    @_api("logOut", "close")
    def _true(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        return True

    @_api("setMyCommands")
    def _set_my_commands(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON array")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[_commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @_api("deleteMyCommands")
    def _delete_my_commands(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    @_api("getMyCommands")
    def _get_my_commands(self, params: dict[str, Any], ctx: _Ctx) -> list[dict[str, Any]]:
        return copy.deepcopy(self.commands.get(_commands_key(params), []))

    @_api("setChatMenuButton")
    def _set_chat_menu_button(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise bad_request("can't parse menu button")
        chat_id = params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
        return True

    @_api("getChatMenuButton")
    def _get_chat_menu_button(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return copy.deepcopy(self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "default"})

    @_api("setMyName")
    def _set_my_name(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.bot_names[str(params.get("language_code") or "")] = str(params.get("name") or "")
        return True

    @_api("getMyName")
    def _get_my_name(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"name": self.bot_names.get(language) or self.bot_names.get("") or self.bot_first_name}

    @_api("setMyDescription")
    def _set_my_description(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.bot_descriptions[str(params.get("language_code") or "")] = str(params.get("description") or "")
        return True

    @_api("getMyDescription")
    def _get_my_description(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"description": self.bot_descriptions.get(language, self.bot_descriptions.get("", ""))}

    @_api("setMyShortDescription")
    def _set_my_short_description(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self.bot_short_descriptions[str(params.get("language_code") or "")] = str(
            params.get("short_description") or ""
        )
        return True

    @_api("getMyShortDescription")
    def _get_my_short_description(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"short_description": self.bot_short_descriptions.get(
            language, self.bot_short_descriptions.get("", "")
        )}

    # ------------------------------------------------------------------ API: chats

    @_api("getChat")
    def _get_chat(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        chat = copy.deepcopy(self.chat(self._chat_id(params)))
        chat.update({
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True, "limited_gifts": True, "unique_gifts": True,
                "premium_subscription": True, "gifts_from_channels": True,
            },
        })
        return chat

    @_api("getChatMember")
    def _get_chat_member(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        self._chat_id(params)
        user_id = self._int(params, "user_id")
        if user_id == ctx.bot["id"]:
            return {"status": "member", "user": ctx.bot}
        user = self._users.get(user_id)
        info = user.info if user else {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        return {"status": "member", "user": info}

    @_api("sendChatAction")
    def _send_chat_action(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self._chat_id(params)
        self._str(params, "action")
        return True

    @_api("setMessageReaction", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages")
    def _chat_noop(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        self._chat_id(params)
        return True

    @_api("createForumTopic")
    def _create_forum_topic(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        if self.chat(chat_id)["type"] != "supergroup":
            raise bad_request("the chat is not a forum")
        name = self._str(params, "name")
        if len(name) > 128:
            raise bad_request("TOPIC_TITLE_INVALID")
        # A topic id is the id of the service message that created it.
        created = self._create_message(chat_id, ctx.bot, {"forum_topic_created": {
            "name": name, "icon_color": params.get("icon_color") or 7322096,
        }})
        topic: dict[str, Any] = {
            "message_thread_id": created["message_id"],
            "name": name,
            "icon_color": params.get("icon_color") or 7322096,
        }
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
        self._topics[chat_id][topic["message_thread_id"]] = topic
        return copy.deepcopy(topic)

    @_api("editForumTopic", "closeForumTopic", "reopenForumTopic", "deleteForumTopic")
    def _forum_topic_noop(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        chat_id = self._chat_id(params)
        thread_id = self._int(params, "message_thread_id")
        if thread_id not in self._topics.get(chat_id, {}):
            raise bad_request("TOPIC_ID_INVALID")
        return True

    # ------------------------------------------------------------------ API: messages

    @_api("sendMessage")
    def _send_message(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        if params.get("text") in (None, ""):
            raise bad_request("message text is empty")
        content = self._rendered(params, "text", "entities", BOT_API_MESSAGE_LIMIT, "message is too long")
        if not content.get("text"):
            raise bad_request("message text is empty")
        return self._send(ctx, params, content)

    @_api("sendPhoto")
    def _send_photo(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        stored = self._file_from_param(params, "photo", "photo", mime_type="image/jpeg")
        content = {"photo": _photo_sizes(stored), **self._caption(params)}
        return self._send(ctx, params, content)

    @_api("sendDocument")
    def _send_document(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        stored = self._file_from_param(params, "document", "document")
        return self._send(ctx, params, {"document": _file_object(stored, "document"), **self._caption(params)})

    @_api("sendVoice")
    def _send_voice(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        stored = self._file_from_param(params, "voice", "voice", mime_type="audio/ogg")
        voice = {**_file_object(stored, "voice"), "duration": self._int(params, "duration", 1)}
        return self._send(ctx, params, {"voice": voice, **self._caption(params)})

    @_api("sendAudio")
    def _send_audio(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        return self._send_playable("audio", params, ctx)

    @_api("sendVideo")
    def _send_video(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        return self._send_playable("video", params, ctx)

    @_api("sendAnimation")
    def _send_animation(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        return self._send_playable("animation", params, ctx)

    def _send_playable(self, kind: str, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        stored = self._file_from_param(params, kind, kind)
        media = {**_file_object(stored, kind), "duration": self._int(params, "duration", 1)}
        if kind != "audio":
            media.update(width=self._int(params, "width", 640), height=self._int(params, "height", 480))
        return self._send(ctx, params, {kind: media, **self._caption(params)})

    @_api("sendContact")
    def _send_contact(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        contact = {"phone_number": self._str(params, "phone_number"), "first_name": self._str(params, "first_name")}
        return self._send(ctx, params, {"contact": contact})

    @_api("sendLocation")
    def _send_location(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        try:
            location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        except (KeyError, TypeError, ValueError):
            raise bad_request("invalid latitude or longitude specified") from None
        return self._send(ctx, params, {"location": location})

    @_api("editMessageText")
    def _edit_message_text(self, params: dict[str, Any], ctx: _Ctx) -> Any:
        if params.get("inline_message_id"):
            return True
        message = self._stored_message(self._chat_id(params), self._int(params, "message_id"), "edit")
        if params.get("text") in (None, ""):
            raise bad_request("message text is empty")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        content = self._rendered(params, "text", "entities", BOT_API_MESSAGE_LIMIT, "message is too long")
        return self._edit(message, content, ("text", "entities"), params)

    @_api("editMessageCaption")
    def _edit_message_caption(self, params: dict[str, Any], ctx: _Ctx) -> Any:
        if params.get("inline_message_id"):
            return True
        message = self._stored_message(self._chat_id(params), self._int(params, "message_id"), "edit")
        if not any(key in message for key in ("photo", "document", "voice", "audio", "video", "animation")):
            raise bad_request("there is no caption in the message to edit")
        return self._edit(message, self._caption(params), ("caption", "caption_entities"), params)

    @_api("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: dict[str, Any], ctx: _Ctx) -> Any:
        if params.get("inline_message_id"):
            return True
        message = self._stored_message(self._chat_id(params), self._int(params, "message_id"), "edit")
        return self._edit(message, {}, (), params)

    def _edit(
        self,
        message: dict[str, Any],
        content: dict[str, Any],
        replaced: Iterable[str],
        params: Mapping[str, Any],
    ) -> _WithMessage:
        if not message.get("from", {}).get("is_bot"):
            raise bad_request("message can't be edited")
        # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
        markup = self._inline_markup(params)
        replaced = tuple(replaced)
        before = ({k: message.get(k) for k in replaced}, message.get("reply_markup"))
        after = ({k: content.get(k) for k in replaced}, markup)
        if before == after:
            raise ApiError(400, NOT_MODIFIED_DESCRIPTION)
        for key in replaced:
            message.pop(key, None)
        message.update(copy.deepcopy(content))
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = self._now()
        current = copy.deepcopy(message)
        return _WithMessage(current, current)

    @_api("deleteMessage")
    def _delete_message(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._int(params, "message_id")
        if self._messages.pop((chat_id, message_id), None) is None:
            raise bad_request("message to delete not found")
        return True

    @_api("deleteMessages")
    def _delete_messages(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        chat_id = self._chat_id(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list):
            raise bad_request("message_ids is empty")
        for message_id in ids:
            self._messages.pop((chat_id, int(message_id)), None)
        return True

    @_api("copyMessage")
    def _copy_message(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        self._chat_id(params)
        source = self._stored_message(self._chat_id(params, "from_chat_id"), self._int(params, "message_id"), "copy")
        if any(key in source for key in ("invoice", "successful_payment", "forum_topic_created")):
            raise bad_request("message can't be copied")
        content = {
            key: value for key, value in source.items()
            if key in ("text", "entities", "photo", "document", "voice", "audio", "video",
                       "animation", "caption", "caption_entities", "contact", "location")
        }
        if "caption" in params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption(params))
        sent = self._send(ctx, params, content)
        return _WithMessage({"message_id": sent.message["message_id"]}, sent.message)

    @_api("forwardMessage")
    def _forward_message(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        chat_id = self._chat_id(params)
        source = self._stored_message(self._chat_id(params, "from_chat_id"), self._int(params, "message_id"), "forward")
        content = {
            key: value for key, value in source.items()
            if key not in ("message_id", "from", "chat", "date", "reply_to_message", "edit_date",
                           "message_thread_id", "is_topic_message", "reply_markup")
        }
        content["forward_origin"] = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        thread_id = params.get("message_thread_id")
        message = self._create_message(
            chat_id, ctx.bot, content, message_thread_id=thread_id if isinstance(thread_id, int) else None,
        )
        return _WithMessage(message, message)

    @_api("answerCallbackQuery")
    def _answer_callback_query(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        query_id = self._str(params, "callback_query_id")
        if query_id not in self._open_callback_queries:
            raise ApiError(400, STALE_QUERY_DESCRIPTION)
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    # ------------------------------------------------------------------ API: files

    @_api("getFile")
    def _get_file(self, params: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        stored = self._files.get(self._str(params, "file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > BOT_API_DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ API: payments

    @_api("sendInvoice")
    def _send_invoice(self, params: dict[str, Any], ctx: _Ctx) -> _WithMessage:
        chat_id = self._chat_id(params)
        invoice = self._invoice(params)
        content = {"invoice": {
            "title": invoice["title"],
            "description": invoice["description"],
            "start_parameter": str(params.get("start_parameter") or ""),
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
        }}
        sent = self._send(ctx, params, content)
        self._invoices[(chat_id, sent.message["message_id"])] = invoice
        return sent

    @_api("createInvoiceLink")
    def _create_invoice_link(self, params: dict[str, Any], ctx: _Ctx) -> str:
        invoice = self._invoice(params)
        link = f"https://t.me/$fake_invoice_{next(self._ids)}"
        self._invoice_links[link] = invoice
        return link

    def _invoice(self, params: Mapping[str, Any]) -> dict[str, Any]:
        title = self._str(params, "title")
        description = self._str(params, "description")
        payload = self._str(params, "payload")
        currency = self._str(params, "currency")
        prices = params.get("prices")
        if not 1 <= len(title) <= 32:
            raise bad_request("INVOICE_TITLE_INVALID")
        if not 1 <= len(description) <= 255:
            raise bad_request("INVOICE_DESCRIPTION_INVALID")
        if not 1 <= len(payload.encode()) <= 128:
            raise bad_request("INVOICE_PAYLOAD_INVALID")
        if not isinstance(prices, list) or not prices:
            raise bad_request("can't parse prices JSON array")
        try:
            amounts = [int(price["amount"]) for price in prices]
        except (KeyError, TypeError, ValueError):
            raise bad_request("can't parse prices JSON array") from None
        if currency == "XTR":
            # Telegram Stars: exactly one price item and no payment provider.
            if len(prices) != 1:
                raise bad_request("STARS_INVOICE_INVALID")
            if params.get("provider_token"):
                raise bad_request("PAYMENT_PROVIDER_INVALID")
        total = sum(amounts)
        if total <= 0:
            raise bad_request("TOTAL_AMOUNT_INVALID")
        return {
            "title": title, "description": description, "payload": payload,
            "currency": currency, "total_amount": total,
        }

    @_api("answerPreCheckoutQuery")
    def _answer_pre_checkout_query(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        query_id = self._str(params, "pre_checkout_query_id")
        if query_id not in self._open_pre_checkout_queries:
            raise ApiError(400, STALE_QUERY_DESCRIPTION)
        ok = params.get("ok")
        if not isinstance(ok, bool):
            raise bad_request("ok is empty")
        if not ok and not params.get("error_message"):
            raise bad_request("ERROR_MESSAGE_EMPTY")
        self._open_pre_checkout_queries.discard(query_id)
        return True

    @_api("refundStarPayment")
    def _refund_star_payment(self, params: dict[str, Any], ctx: _Ctx) -> bool:
        user_id = self._int(params, "user_id")
        charge_id = self._str(params, "telegram_payment_charge_id")
        charge = self._charges.get(charge_id)
        if charge is None or charge.currency != "XTR":
            raise bad_request("CHARGE_NOT_FOUND")
        if charge.user_id != user_id:
            raise bad_request("USER_ID_INVALID")
        if charge.refunded:
            raise bad_request("CHARGE_ALREADY_REFUNDED")
        charge.refunded = True
        self.refunds.append({"user_id": user_id, "telegram_payment_charge_id": charge_id,
                             "total_amount": charge.total_amount})
        return True

    def add_charge(
        self,
        telegram_payment_charge_id: str,
        user_id: int,
        total_amount: int,
        *,
        currency: str = "XTR",
        invoice_payload: str = "",
    ) -> None:
        """Make a payment known to refundStarPayment without going through pay()."""
        self._charges[telegram_payment_charge_id] = _Charge(user_id, currency, total_amount, invoice_payload)

    def charge(self, telegram_payment_charge_id: str) -> dict[str, Any] | None:
        charge = self._charges.get(telegram_payment_charge_id)
        return None if charge is None else dict(vars(charge))


def _canonical_or_raise(method: str) -> str:
    canonical = _CANONICAL.get(method.lower())
    if canonical is None:
        raise ValueError(f"FakeTelegram does not emulate {method!r}")
    return canonical


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _bot_id_from_token(token: str) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 100_000 + zlib.crc32(token.encode()) % 900_000


def update_type(update: Mapping[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def _commands_key(params: Mapping[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _decode_param(key: str, value: Any) -> Any:
    """Undo aiogram's form encoding: objects/lists/numbers/bools arrive as JSON strings."""
    if not isinstance(value, str) or key in _FREE_TEXT_PARAMS:
        return value
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return value
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d{1,30}", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return value


def _file_object(stored: _StoredFile, kind: str = "document") -> dict[str, Any]:
    obj: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }
    if stored.mime_type:
        obj["mime_type"] = stored.mime_type
    if stored.file_name and kind in ("document", "audio", "video", "animation"):
        obj["file_name"] = stored.file_name
    return obj


def _photo_sizes(stored: _StoredFile, width: int = 1280, height: int = 960) -> list[dict[str, Any]]:
    base = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    thumb = {"file_id": f"{stored.file_id}-s", "file_unique_id": f"{stored.file_unique_id}s"}
    return [
        {**thumb, "width": max(width // 4, 1), "height": max(height // 4, 1), "file_size": max(stored.file_size // 16, 1)},
        {**base, "width": width, "height": height, "file_size": stored.file_size},
    ]


# --------------------------------------------------------------------------- scripted users


@dataclass
class Payment:
    """A scripted payment attempt: the pre-checkout query and what became of it."""

    pre_checkout_query: dict[str, Any]
    answer: Call | None  # the bot's answerPreCheckoutQuery, None if it never answered
    message: dict[str, Any] | None = None  # the successful_payment message, once pushed

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def ok(self) -> bool:
        return self.answer is not None and self.answer.ok and self.answer.params.get("ok") is True

    @property
    def error_message(self) -> str | None:
        return None if self.answer is None else self.answer.params.get("error_message")

    @property
    def successful_payment(self) -> dict[str, Any] | None:
        return None if self.message is None else self.message["successful_payment"]

    @property
    def telegram_payment_charge_id(self) -> str | None:
        paid = self.successful_payment
        return None if paid is None else paid["telegram_payment_charge_id"]


class FakeUser:
    """A Telegram user the test scripts; every action pushes the update Telegram would send."""

    def __init__(
        self,
        fake: FakeTelegram,
        id: int,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        is_premium: bool,
    ) -> None:
        self.fake = fake
        self.id = id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.is_premium = is_premium
        # Calls recorded from here on count as the bot's reaction to the last action.
        self.since = fake.call_count

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def info(self) -> dict[str, Any]:
        """The Telegram User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        if self.is_premium:
            user["is_premium"] = True
        return user

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    # -------------------------------------------------------------- messages

    def _push_message(
        self,
        content: dict[str, Any],
        *,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to: int | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        self.since = self.fake.call_count
        if isinstance(reply_to, Mapping):
            reply_to = int(reply_to["message_id"])
        message = self.fake._create_message(
            self.id if chat_id is None else chat_id, self.info, content,
            message_thread_id=message_thread_id, reply_to_message_id=reply_to,
        )
        self.fake.push_update({"message": message})
        return message

    def send(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to: int | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send a text message (to the private chat unless chat_id is given)."""
        content: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}]
        return self._push_message(content, chat_id=chat_id, message_thread_id=message_thread_id, reply_to=reply_to)

    def send_command(self, command: str, args: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """/command [args], e.g. send_command("start", "ref_42") for a deep link."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.send(text, **kwargs)

    def reply(self, to_message_id: int | Mapping[str, Any], text: str, **kwargs: Any) -> dict[str, Any]:
        return self.send(text, reply_to=to_message_id, **kwargs)

    def send_photo(
        self,
        file_id: str | None = None,
        file_size: int = 120_000,
        mime_type: str = "image/jpeg",
        *,
        caption: str | None = None,
        width: int = 1280,
        height: int = 960,
        content: bytes | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        stored = self.fake._store_file("photo", file_size, file_id=file_id, mime_type=mime_type, content=content)
        message: dict[str, Any] = {"photo": _photo_sizes(stored, width, height)}
        if caption:
            message["caption"] = caption
        return self._push_message(message, **kwargs)

    def send_document(
        self,
        file_id: str | None = None,
        file_size: int = 250_000,
        mime_type: str = "application/pdf",
        *,
        file_name: str = "document.pdf",
        caption: str | None = None,
        content: bytes | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        stored = self.fake._store_file(
            "document", file_size, file_id=file_id, mime_type=mime_type, file_name=file_name, content=content,
        )
        message: dict[str, Any] = {"document": _file_object(stored, "document")}
        if caption:
            message["caption"] = caption
        return self._push_message(message, **kwargs)

    def send_voice(
        self,
        file_id: str | None = None,
        file_size: int = 40_000,
        mime_type: str = "audio/ogg",
        *,
        duration: int = 5,
        content: bytes | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        stored = self.fake._store_file("voice", file_size, file_id=file_id, mime_type=mime_type, content=content)
        return self._push_message({"voice": {**_file_object(stored, "voice"), "duration": duration}}, **kwargs)

    def share_contact(self, phone_number: str = "+380501234567", **kwargs: Any) -> dict[str, Any]:
        """Share the user's own contact (what a request_contact button sends)."""
        contact = {"phone_number": phone_number, "first_name": self.first_name, "user_id": self.id}
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._push_message({"contact": contact}, **kwargs)

    # -------------------------------------------------------------- keyboards

    @property
    def last_message(self) -> dict[str, Any] | None:
        """The bot's latest existing message in the private chat, as it is now."""
        messages = self.fake.bot_messages(self.id)
        return messages[-1] if messages else None

    def messages(self) -> list[dict[str, Any]]:
        return self.fake.bot_messages(self.id)

    def texts(self, *, since: int = 0) -> list[str]:
        return self.fake.sent_texts(self.id, since=since)

    def buttons(self, message: Mapping[str, Any] | Call | None = None) -> list[str]:
        """Inline button texts of a message (default: the last one that has a keyboard)."""
        target = self._keyboard_message(message)
        rows = target.get("reply_markup", {}).get("inline_keyboard", []) if target else []
        return [button["text"] for row in rows for button in row]

    def reply_buttons(self) -> list[str]:
        markup = self.fake.reply_keyboard(self.id) or {}
        return [b["text"] if isinstance(b, dict) else str(b) for row in markup.get("keyboard", []) for b in row]

    def _keyboard_message(self, message: Mapping[str, Any] | Call | None) -> dict[str, Any] | None:
        if isinstance(message, Call):
            message = message.message
        if message is not None:
            # Prefer the message's current state: edits may have changed its keyboard.
            current = self.fake.message(message["chat"]["id"], message["message_id"])
            return current if current is not None else dict(message)
        for candidate in reversed(self.fake.bot_messages(self.id)):
            if candidate.get("reply_markup", {}).get("inline_keyboard"):
                return candidate
        return None

    def click(self, message_or_text: Mapping[str, Any] | Call | str, button_text: str | None = None) -> dict[str, Any]:
        """Press an inline button: click("Так") or click(message_or_call, "Так").

        The button is matched by exact text first, then by a unique substring
        (so emoji prefixes need not be typed). Returns the pushed callback_query.
        """
        message: Mapping[str, Any] | Call | None
        if button_text is None:
            if not isinstance(message_or_text, str):
                raise TypeError("click(message, button_text) needs the button text")
            message, button_text = None, message_or_text
        elif isinstance(message_or_text, str):
            raise TypeError("click(message, button_text) needs the message, not a text")
        else:
            message = message_or_text
        target = self._keyboard_message(message)
        if target is None:
            raise LookupError(f"{self!r} has no message with an inline keyboard to click {button_text!r}")
        buttons = [b for row in target.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        return self._push_callback(target, _pick_button(buttons, button_text, target))

    def click_at(self, message: Mapping[str, Any], row: int, column: int) -> dict[str, Any]:
        """Press the inline button at (row, column) of a message, as it stands now (the demo page's clicks)."""
        target = self._keyboard_message(message)
        rows = target.get("reply_markup", {}).get("inline_keyboard", []) if target else []
        if target is None or not (0 <= row < len(rows) and 0 <= column < len(rows[row])):
            raise LookupError(f"message {message.get('message_id')} has no button at row {row}, column {column}")
        return self._push_callback(target, rows[row][column])

    def _push_callback(self, target: dict[str, Any], button: Mapping[str, Any]) -> dict[str, Any]:
        if "callback_data" not in button:
            raise LookupError(f"button {button['text']!r} is not a callback button: {button}")
        self.since = self.fake.call_count
        query = {
            "id": f"{self.id}{next(self.fake._ids):06d}",
            "from": self.info,
            "message": target,
            "chat_instance": str(zlib.crc32(f"{self.fake.bot_id}:{target['chat']['id']}".encode())),
            "data": button["callback_data"],
        }
        self.fake._open_callback_queries.add(query["id"])
        self.fake.push_update({"callback_query": query})
        return query

    def press(self, button_text: str) -> dict[str, Any]:
        """Tap a reply-keyboard button the bot currently shows (sends its text or the contact)."""
        markup = self.fake.reply_keyboard(self.id)
        if markup is None:
            raise LookupError(f"{self!r} sees no reply keyboard to press {button_text!r}")
        buttons = [b if isinstance(b, dict) else {"text": str(b)} for row in markup.get("keyboard", []) for b in row]
        button = _pick_button(buttons, button_text, markup)
        if markup.get("one_time_keyboard"):
            self.fake._reply_keyboards.pop(self.id, None)
        if button.get("request_contact"):
            return self.share_contact()
        return self.send(button["text"])

    # -------------------------------------------------------------- the bot relationship

    def block_bot(self) -> dict[str, Any]:
        """Block the bot: sends are answered 403 and the bot gets a my_chat_member update."""
        self.fake.block(self.id)
        return self._push_member_change("member", {"status": "kicked", "until_date": 0})

    def unblock_bot(self) -> dict[str, Any]:
        self.fake.unblock(self.id)
        return self._push_member_change("kicked", {"status": "member"})

    def _push_member_change(self, old_status: str, new: dict[str, Any]) -> dict[str, Any]:
        self.since = self.fake.call_count
        bot = self.fake.bot_user
        old: dict[str, Any] = {"status": old_status, "user": bot}
        if old_status == "kicked":
            old["until_date"] = 0
        update = {"my_chat_member": {
            "chat": copy.deepcopy(self.fake.chat(self.id)),
            "from": self.info,
            "date": self.fake._now(),
            "old_chat_member": old,
            "new_chat_member": {**new, "user": bot},
        }}
        return self.fake.push_update(update)

    async def wait_message(self, contains: str | None = None, *, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the bot's next message/edit in this chat since the user's last action."""

        def reaction(call: Call) -> bool:
            return (
                call.ok and call.message is not None and call.message["chat"]["id"] == self.id
                and (contains is None or contains in (call.text or ""))
            )

        reaction.__name__ = f"a bot message to {self.id}" + (f" containing {contains!r}" if contains else "")
        calls = await self.fake.wait_for(reaction, timeout=timeout, since=self.since)
        message = calls[0].message
        assert message is not None  # the reaction waited for one
        return message

    # -------------------------------------------------------------- payments

    def _invoice_for(self, invoice: Call | Mapping[str, Any] | str | None) -> dict[str, Any]:
        if isinstance(invoice, str):
            found = self.fake._invoice_links.get(invoice)
            if found is None:
                raise LookupError(f"unknown invoice link {invoice!r}")
            return found
        if isinstance(invoice, Call):
            invoice = invoice.message
        if invoice is None:
            keys = [key for key in self.fake._invoices if key[0] == self.id]
            if not keys:
                raise LookupError(f"the bot sent no invoice to {self!r}")
            return self.fake._invoices[max(keys, key=lambda key: key[1])]
        found = self.fake._invoices.get((invoice["chat"]["id"], invoice["message_id"]))
        if found is None:
            raise LookupError(f"message {invoice.get('message_id')} is not an invoice the bot sent")
        return found

    async def pre_checkout(
        self,
        invoice: Call | Mapping[str, Any] | str | None = None,
        *,
        total_amount: int | None = None,
        currency: str | None = None,
        invoice_payload: str | None = None,
        timeout: float = 10.0,
    ) -> Payment:
        """Press "Pay": push a pre_checkout_query and wait for the bot's answer.

        Telegram gives the bot 10 seconds to answer; answer is None if it did not.
        """
        details = self._invoice_for(invoice)
        self.since = self.fake.call_count
        query: dict[str, Any] = {
            "id": f"{self.id}{next(self.fake._ids):08d}",
            "from": self.info,
            "currency": currency or details["currency"],
            "total_amount": total_amount if total_amount is not None else details["total_amount"],
            "invoice_payload": invoice_payload if invoice_payload is not None else details["payload"],
        }
        self.fake._open_pre_checkout_queries.add(query["id"])
        self.fake.push_update({"pre_checkout_query": query})

        def answers(call: Call) -> bool:
            return call.method == "answerPreCheckoutQuery" and call.params.get("pre_checkout_query_id") == query["id"]

        found = await self.fake._calls_signal.wait_until(
            lambda: [call for call in self.fake.calls(since=self.since) if answers(call)], timeout,
        )
        answer = found[0] if found else None
        self.fake._open_pre_checkout_queries.discard(query["id"])
        return Payment(pre_checkout_query=query, answer=answer)

    def complete_payment(
        self,
        payment: Payment,
        *,
        telegram_payment_charge_id: str | None = None,
        provider_payment_charge_id: str | None = None,
    ) -> dict[str, Any]:
        """Push the successful_payment message for a pre-checkout (even one the bot declined)."""
        query = payment.pre_checkout_query
        if telegram_payment_charge_id is None:
            prefix = "stx" if query["currency"] == "XTR" else "tg"
            telegram_payment_charge_id = f"{prefix}{secrets.token_hex(12)}"
        if provider_payment_charge_id is None:
            # Stars payments have no external provider.
            provider_payment_charge_id = "" if query["currency"] == "XTR" else f"prov_{secrets.token_hex(8)}"
        successful_payment = {
            "currency": query["currency"],
            "total_amount": query["total_amount"],
            "invoice_payload": query["invoice_payload"],
            "telegram_payment_charge_id": telegram_payment_charge_id,
            "provider_payment_charge_id": provider_payment_charge_id,
        }
        self.fake._charges[telegram_payment_charge_id] = _Charge(
            self.id, query["currency"], query["total_amount"], query["invoice_payload"],
        )
        payment.message = self._push_message({"successful_payment": successful_payment})
        return payment.message

    async def pay(
        self,
        invoice: Call | Mapping[str, Any] | str | None = None,
        *,
        total_amount: int | None = None,
        currency: str | None = None,
        invoice_payload: str | None = None,
        telegram_payment_charge_id: str | None = None,
        provider_payment_charge_id: str | None = None,
        timeout: float = 10.0,
    ) -> Payment:
        """Pay an invoice the whole way: pre-checkout, then successful_payment if the bot said ok."""
        payment = await self.pre_checkout(
            invoice, total_amount=total_amount, currency=currency, invoice_payload=invoice_payload, timeout=timeout,
        )
        if payment.ok:
            self.complete_payment(
                payment,
                telegram_payment_charge_id=telegram_payment_charge_id,
                provider_payment_charge_id=provider_payment_charge_id,
            )
        return payment


def _pick_button(buttons: list[dict[str, Any]], wanted: str, where: Mapping[str, Any]) -> dict[str, Any]:
    exact = [b for b in buttons if b.get("text") == wanted]
    if exact:
        return exact[0]
    partial = [b for b in buttons if wanted.casefold() in str(b.get("text", "")).casefold()]
    if len(partial) == 1:
        return partial[0]
    texts = [b.get("text") for b in buttons]
    problem = "is ambiguous among" if partial else "is not among"
    raise LookupError(f"button {wanted!r} {problem} {texts} (message {where.get('message_id', '?')})")
