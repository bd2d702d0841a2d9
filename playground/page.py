"""The demo page: every persona's chat with the bot, side by side, live, and the clock's buttons.

An aiohttp server of its own. It plays the people through the local Bot API
server (each click, message and payment is the update Telegram would send) and
tells the page what changed by server-sent events; the page then fetches that
chat again. It reads nothing of the bot's but what the bot sent, and, for
"the day before the session", the bookings in the demo's database.
"""
from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from playground.bot_api import Call, FakeTelegram, FakeUser
from playground.cast import CAST, Persona
from playground.clock import DemoClock
from playground.rendering import message_view, reply_keyboard_view

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TEXT_LIMIT = 4096  # what Telegram lets a person type into one message
UPLOAD_LIMIT = 20 * 1024 * 1024  # a bot may download files up to 20 MB
KEEPALIVE_SECONDS = 15.0
# Telegram shows a payment form before pre_checkout_query; the bot then has 10 seconds to answer.
PRE_CHECKOUT_TIMEOUT = 10.0
# How far before the next session "to the day / hour before the session" moves the clock: a second past the
# 24-hour (1-hour) mark, so that reminder, and a day before also the payment deadline, are just due.
BEFORE_SESSION = {
    "day_before_session": timedelta(hours=24) - timedelta(seconds=1),
    "hour_before_session": timedelta(hours=1) - timedelta(seconds=1),
}

NextSession = Callable[[datetime], Awaitable[datetime | None]]


class DemoPage:
    def __init__(
        self, fake: FakeTelegram, clock: DemoClock, next_session: NextSession, *, bot_username: str, web_url: str
    ) -> None:
        self.fake = fake
        self.web_url = web_url
        self.clock = clock
        self._next_session = next_session
        self.bot_username = bot_username
        self.personas = {persona.key: persona for persona in CAST}
        self.users: dict[str, FakeUser] = {
            persona.key: fake.user(persona.telegram_id, persona.first_name, language_code=persona.language_code)
            for persona in CAST
        }
        self._by_chat = {persona.telegram_id: persona.key for persona in CAST}
        self._paid: set[tuple[int, int]] = set()  # invoices paid from the page: Telegram shows a receipt instead
        self._queries: dict[str, str] = {}  # callback query id → who pressed
        self._listeners: set[asyncio.Queue[dict[str, Any] | None]] = set()
        fake.call_listeners.append(self._on_call)

    # -- the application ---------------------------------------------------------------
    def application(self) -> web.Application:
        app = web.Application(client_max_size=UPLOAD_LIMIT + 1024 * 1024, middlewares=[same_origin_only])
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/clock", self._move_clock)
        app.router.add_get("/api/chats/{key}", self._chat)
        app.router.add_post("/api/chats/{key}/send", self._send)
        app.router.add_post("/api/chats/{key}/click", self._click)
        app.router.add_post("/api/chats/{key}/press", self._press)
        app.router.add_post("/api/chats/{key}/pay", self._pay)
        app.router.add_post("/api/chats/{key}/upload", self._upload)
        app.router.add_get("/files/{file_id}", self._file)
        app.on_shutdown.append(self._close_streams)
        return app

    # -- what changed -------------------------------------------------------------------
    def _publish(self, event: dict[str, Any]) -> None:
        for queue in self._listeners:
            queue.put_nowait(event)

    def _chat_changed(self, chat_id: int) -> None:
        key = self._by_chat.get(chat_id)
        if key is not None:
            self._publish({"type": "chat", "key": key})

    def _on_call(self, call: Call) -> None:
        if not call.ok:
            return
        if call.message is not None:
            self._chat_changed(call.message["chat"]["id"])
        elif call.method in ("deleteMessage", "deleteMessages") and isinstance(call.chat_id, int):
            self._chat_changed(call.chat_id)
        elif call.method in ("setMyCommands", "deleteMyCommands"):
            # A person's "/" menu changed: their own (a chat scope) or everyone's (a wider one).
            scope = call.params.get("scope")
            chat_id = scope.get("chat_id") if isinstance(scope, dict) else None
            for persona in CAST:
                if chat_id is None or chat_id == persona.telegram_id:
                    self._chat_changed(persona.telegram_id)
        elif call.method == "answerCallbackQuery":
            key = self._queries.pop(str(call.params.get("callback_query_id")), None)
            if key is not None and call.params.get("text"):
                self._publish({
                    "type": "toast", "key": key, "text": call.params["text"],
                    "alert": bool(call.params.get("show_alert")),
                })

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        except ConnectionResetError:
            pass  # the page was closed
        finally:
            self._listeners.discard(queue)
        return response

    async def _close_streams(self, _: web.Application) -> None:
        for queue in self._listeners:
            queue.put_nowait(None)

    # -- reading -------------------------------------------------------------------------
    async def _index(self, _: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _state(self, _: web.Request) -> web.Response:
        return web.json_response({
            "clock": self._clock_view(),
            "bot": self.bot_username,
            "web": self.web_url,
            "personas": [
                {"key": p.key, "name": p.first_name, "city": p.city, "language": p.language_code, "role": p.role,
                 "id": p.telegram_id}
                for p in CAST
            ],
        })

    def _clock_view(self) -> dict[str, Any]:
        return {"now": self.clock.now().isoformat(timespec="seconds"), "offset": self.clock.offset.total_seconds()}

    async def _chat(self, request: web.Request) -> web.Response:
        persona = self._persona(request)
        chat_id = persona.telegram_id
        messages = [
            message_view(
                message, locale=persona.language_code, zone=persona.zone, file_url=_file_url,
                paid=(chat_id, message["message_id"]) in self._paid,
            )
            for message in self.fake.chat_history(chat_id)
        ]
        return web.json_response({
            "messages": messages,
            "reply_keyboard": reply_keyboard_view(self.fake.reply_keyboard(chat_id)),
            "commands": self.fake.command_menu(chat_id, persona.language_code),
        })

    async def _file(self, request: web.Request) -> web.Response:
        found = self.fake.stored_file(request.match_info["file_id"])
        if found is None:
            raise web.HTTPNotFound(text="No such file in this demo.")
        name, mime_type, content = found
        headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(name or 'file')}"}
        return web.Response(body=content, content_type=mime_type or "application/octet-stream", headers=headers)

    # -- acting as a person ---------------------------------------------------------------
    def _persona(self, request: web.Request) -> Persona:
        persona = self.personas.get(request.match_info["key"])
        if persona is None:
            raise web.HTTPNotFound(text="No such person in this demo.")
        return persona

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise _refused("Send JSON (Content-Type: application/json).")
        try:
            body = await request.json()
        except ValueError:
            raise _refused("The request is not JSON.") from None
        if not isinstance(body, dict):
            raise _refused("The request is not a JSON object.")
        return body

    async def _send(self, request: web.Request) -> web.Response:
        persona = self._persona(request)
        text = str((await self._body(request)).get("text", "")).strip()
        if not text:
            raise _refused("Type a message first.")
        if len(text) > TEXT_LIMIT:
            raise _refused(f"Telegram takes up to {TEXT_LIMIT} characters in one message.")
        self.users[persona.key].send(text)
        self._chat_changed(persona.telegram_id)
        return web.json_response({"ok": True})

    async def _click(self, request: web.Request) -> web.Response:
        persona = self._persona(request)
        body = await self._body(request)
        message = self._message(persona, body.get("message_id"))
        try:
            query = self.users[persona.key].click_at(message, int(body.get("row", -1)), int(body.get("column", -1)))
        except (LookupError, ValueError, TypeError) as error:
            raise _refused(f"That button is gone: {error}") from None
        self._queries[query["id"]] = persona.key
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.Response:
        persona = self._persona(request)
        text = str((await self._body(request)).get("text", ""))
        try:
            self.users[persona.key].press(text)
        except LookupError as error:
            raise _refused(f"That button is gone: {error}") from None
        self._chat_changed(persona.telegram_id)
        return web.json_response({"ok": True})

    async def _pay(self, request: web.Request) -> web.Response:
        """Pay (test): pre_checkout_query, the bot's answer, then successful_payment, as Telegram does."""
        persona = self._persona(request)
        message = self._message(persona, (await self._body(request)).get("message_id"))
        key = (persona.telegram_id, message["message_id"])
        if "invoice" not in message:
            raise _refused("That message is not an invoice.")
        if key in self._paid:
            raise _refused("This invoice is paid already.")
        payment = await self.users[persona.key].pay(message, timeout=PRE_CHECKOUT_TIMEOUT)
        if not payment.answered:
            return web.json_response({"ok": False, "error": "The bot did not answer in 10 seconds; nothing was charged."})
        if not payment.ok:
            return web.json_response({"ok": False, "error": payment.error_message or "The bot declined the payment."})
        self._paid.add(key)
        self._chat_changed(persona.telegram_id)
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        persona = self._persona(request)
        try:
            form = await request.post()
        except ValueError:
            raise _refused("Send the file as a form upload.") from None
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise _refused("Choose a file first.")
        content = upload.file.read(UPLOAD_LIMIT + 1)
        if len(content) > UPLOAD_LIMIT:
            raise _refused("Files up to 20 MB: a bot cannot download larger ones.")
        caption = str(form.get("caption") or "") or None
        user = self.users[persona.key]
        mime_type = upload.content_type or "application/octet-stream"
        if mime_type in ("image/jpeg", "image/png"):
            user.send_photo(file_size=len(content), mime_type=mime_type, caption=caption, content=content)
        else:
            user.send_document(
                file_size=len(content), mime_type=mime_type, file_name=upload.filename or "file", caption=caption,
                content=content,
            )
        self._chat_changed(persona.telegram_id)
        return web.json_response({"ok": True})

    def _message(self, persona: Persona, message_id: object) -> dict[str, Any]:
        try:
            if not isinstance(message_id, int | float | str):  # what int() takes of what JSON holds
                raise TypeError(message_id)
            message = self.fake.message(persona.telegram_id, int(message_id))
        except (TypeError, ValueError):
            message = None
        if message is None:
            raise _refused("That message is gone.")
        return message

    # -- the clock -----------------------------------------------------------------------
    async def _move_clock(self, request: web.Request) -> web.Response:
        action = (await self._body(request)).get("action")
        if action == "hour":
            self.clock.advance(timedelta(hours=1))
        elif action == "day":
            self.clock.advance(timedelta(days=1))
        elif action in BEFORE_SESSION:
            start = await self._next_session(self.clock.now())
            if start is None:
                return web.json_response({"ok": False, "error": "no_session", "clock": self._clock_view()})
            if not self.clock.move_to(start - BEFORE_SESSION[action]):
                return web.json_response({"ok": False, "error": "closer_already", "clock": self._clock_view()})
        else:
            raise _refused("The clock moves by hour, day, day_before_session or hour_before_session.")
        self._publish({"type": "clock", "clock": self._clock_view()})
        return web.json_response({"ok": True, "clock": self._clock_view()})


@web.middleware
async def same_origin_only(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Only the demo's own page acts: another site open in the same browser cannot post to it."""
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="Only the demo's own page can act in it.")
    return await handler(request)


def _file_url(file_id: str) -> str:
    return f"/files/{quote(file_id)}"


def _refused(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"ok": False, "error": reason}), content_type="application/json")


def bind(host: str, port: int) -> socket.socket:
    """The page's listening socket, taken before anything starts: its address is where the bot's links lead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


async def serve(page: DemoPage, sock: socket.socket) -> web.AppRunner:
    """Start the page server on its bound socket; returns its runner."""
    runner = web.AppRunner(page.application(), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner
