"""The HTTP server: Bot API requests in, answers out, every call recorded; and what a test drives it with."""
from __future__ import annotations

import asyncio
import socket
import time
import traceback
from collections.abc import Callable
from typing import Any

from aiohttp import web

from playground.bot_api import methods
from playground.bot_api.calls import CallLog
from playground.bot_api.faults import Faults
from playground.bot_api.params import read_params
from playground.bot_api.records import ApiError, Call, WaitTimeout, WithMessage, bad_request
from playground.bot_api.updates import UpdateQueue
from playground.bot_api.users import FakeUser
from playground.bot_api.waiting import Signal
from playground.bot_api.webhook import Webhook
from playground.bot_api.world import BotProfile, World, bot_id_from_token

DEFAULT_BOT_USERNAME = "therapy_test_bot"
DEFAULT_BOT_FIRST_NAME = "Therapy Test Bot"

_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


class FakeTelegram:
    """A Bot API server on 127.0.0.1 for one bot (see the package's docstring).

    Its parts: ``world`` (people, chats, messages, files, payments), ``updates`` (what waits for the bot),
    ``webhook``, the call log and the faults; the methods below are what a test drives and reads.
    """

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
        self._last_token: str | None = token
        self._runner: web.AppRunner | None = None
        self.profile = BotProfile(bot_username, bot_first_name)
        self.world = World(clock)
        self.updates = UpdateQueue()
        activity = Signal()
        self.webhook = Webhook(self.updates, activity)
        self._log = CallLog(activity)
        self._faults = Faults()
        # What a test reads: the world's messages and keyboards, and the calls the bot made.
        self.chat = self.world.chat
        self.message = self.world.message
        self.chat_history = self.world.chat_history
        self.bot_messages = self.world.bot_messages
        self.reply_keyboard = self.world.reply_keyboard
        self.push_update = self.updates.push
        self.redeliver = self.updates.redeliver
        self.calls = self._log.calls
        self.last_call = self._log.last_call
        self.sent_texts = self._log.sent_texts
        self.wait_for = self._log.wait_for
        # Exceptions inside the emulator itself (answered as 400); a test may assert it is empty.
        self.internal_errors: list[str] = []

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
        self.updates.reopen()
        return self

    async def stop(self) -> None:
        self.updates.close()
        self.webhook.stop()
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

    # ------------------------------------------------------------------ HTTP

    async def _handle_unknown_route(self, request: web.Request) -> web.Response:
        return web.json_response(_NOT_FOUND, status=404)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.world.file_at(request.match_info["path"])
        if stored is None or not self._token_accepted(request.match_info["token"]):
            return web.json_response(_NOT_FOUND, status=404)
        return web.Response(body=stored.read(), content_type=stored.mime_type or "application/octet-stream")

    def _token_accepted(self, token: str) -> bool:
        return self.token is None or token == self.token

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        canonical = methods.canonical(requested)
        call = Call(method=canonical or requested, params={})
        try:
            call.params = await read_params(request)
            if not self._token_accepted(token):
                raise ApiError(401, "Unauthorized")
            self._last_token = token
            if canonical is None:
                raise ApiError(404, "Not Found: method not found")
            await self._faults.before(canonical, call.params)
            context = methods.Request(self.world, self.updates, self.webhook, self.profile, self.profile.user(token))
            outcome = methods.handler(canonical)(context, call.params)
            if asyncio.iscoroutine(outcome):
                outcome = await outcome
            if isinstance(outcome, WithMessage):
                call.result, call.message = outcome.result, outcome.message
            else:
                call.result = outcome
            self._faults.sent(canonical, call.params)
            body, status = {"ok": True, "result": call.result}, 200
        except ApiError as error:
            body, status = error.to_json(), error.status
        except Exception as error:
            self.internal_errors.append(traceback.format_exc())
            body, status = bad_request(f"{type(error).__name__}: {error}").to_json(), 400
        if status != 200:
            call.ok, call.error_code, call.description = False, status, body["description"]
        self._log.record(call)
        return web.json_response(body, status=status)

    # ------------------------------------------------------------------ the bot itself

    @property
    def bot_username(self) -> str:
        return self.profile.username

    @property
    def bot_id(self) -> int:
        return bot_id_from_token(self._last_token or "123456:")

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.profile.user(self._last_token or "123456:")

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """The commands the bot set, by (scope as JSON, language code)."""
        return self.profile.commands

    def command_menu(self, chat_id: int, language_code: str | None) -> list[dict[str, Any]]:
        """The commands Telegram's "/" menu shows in this private chat (what setMyCommands set for it, by scope)."""
        return self.profile.menu_for(chat_id, language_code)

    @property
    def refunds(self) -> list[dict[str, Any]]:
        """Star payments the bot refunded, in order."""
        return self.world.refunds

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
        self.world.add_person(user)
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
        return self.world.add_chat(chat)

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
        stored = self.world.store_file(
            kind, file_size, file_id=file_id, mime_type=mime_type, file_name=file_name, content=content,
        )
        return stored.as_file()

    def stored_file(self, file_id: str) -> tuple[str | None, str | None, bytes] | None:
        """(file name, MIME type, bytes) of a file the bot or a user sent, or None if unknown."""
        stored = self.world.file(file_id)
        return None if stored is None else (stored.file_name, stored.mime_type, stored.read())

    def charge(self, telegram_payment_charge_id: str) -> dict[str, Any] | None:
        charge = self.world.charge(telegram_payment_charge_id)
        return None if charge is None else dict(vars(charge))

    # ------------------------------------------------------------------ updates

    def duplicate_last(self, *, same_update_id: bool = True) -> dict[str, Any]:
        """Re-send the last pushed update.

        same_update_id=True (default): Telegram's own re-delivery of an unconfirmed update.
        same_update_id=False: the same payload under a new update_id (a duplicate the
        client or network produced; the message_id inside stays the same).
        """
        if not self.updates.pushed_updates:
            raise LookupError("no update has been pushed yet")
        last = self.updates.pushed_updates[-1]
        if same_update_id:
            return self.updates.redeliver(last)
        return self.updates.push({k: v for k, v in last.items() if k != "update_id"})

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return self.updates.pending

    @property
    def pushed_updates(self) -> list[dict[str, Any]]:
        return self.updates.pushed_updates

    @property
    def delivered_updates(self) -> list[dict[str, Any]]:
        return self.updates.delivered_updates

    @property
    def dropped_updates(self) -> list[dict[str, Any]]:
        return self.updates.dropped_updates

    @property
    def allowed_updates(self) -> list[str] | None:
        return self.updates.allowed_updates

    @property
    def allowed_updates_history(self) -> list[list[str]]:
        return self.updates.allowed_updates_history

    def balance(self, backends: list[str]) -> None:
        """Post webhook updates to these replicas' addresses in turn, each until one answers 200 (a load balancer)."""
        self.webhook.balance(backends)

    @property
    def answered_by(self) -> dict[int, str]:
        """update_id -> the replica address that answered the update's POST 200."""
        return self.webhook.answered_by

    @property
    def webhook_attempts(self) -> list[tuple[int, int | None]]:
        """Every POST of an update to the webhook, as (update_id, status or None when the connection failed)."""
        return self.webhook.attempts

    async def wait_polling(self, *, since_polls: int = 0, timeout: float = 10.0) -> None:
        """Wait until a getUpdates request has arrived (the bot is up and polling)."""
        ok = await self.updates.signal.wait_until(lambda: self.updates.polls_started > since_polls, timeout)
        if not ok:
            raise WaitTimeout(f"the bot did not call getUpdates within {timeout}s")

    @property
    def polls_started(self) -> int:
        return self.updates.polls_started

    # ------------------------------------------------------------------ calls

    @property
    def call_count(self) -> int:
        """Sequence number the next recorded call gets; pass it as since= to look only ahead."""
        return self._log.count

    @property
    def call_listeners(self) -> list[Callable[[Call], None]]:
        """Called with every call the bot made, once answered (the demo page follows the chats so)."""
        return self._log.listeners

    async def wait_until(self, condition: Callable[[], Any], timeout: float) -> Any:
        """The condition's first truthy outcome, re-checked after every call and every webhook attempt;
        its last outcome once the timeout passed."""
        return await self._log.activity.wait_until(condition, timeout)

    # ------------------------------------------------------------------ faults

    @property
    def too_many_requests_count(self) -> int:
        """Calls answered 429, injected or for the limits."""
        return self._log.answered(429)

    @property
    def blocked_chats(self) -> set[int]:
        return self._faults.blocked_chats

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead of handling them."""
        self._faults.fail_next(_canonical_or_raise(method), status, retry_after, times, description)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` answers to `method` for a while (slow network / timeouts)."""
        self._faults.delay_next(_canonical_or_raise(method), seconds, times)

    def hold(self, method: str) -> None:
        """Hold every call of `method` until `release` (Telegram slow to take them for as long as needed)."""
        self._faults.hold(_canonical_or_raise(method))

    def release(self, method: str) -> None:
        self._faults.release(_canonical_or_raise(method))

    def on_hold(self, method: str) -> int:
        """How many calls of `method` are waiting on a hold now."""
        return self._faults.on_hold[_canonical_or_raise(method)]

    def cancel_delays(self) -> None:
        """Forget delays not used yet (a killed process may have died before it made the delayed call)."""
        self._faults.cancel_delays()

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every delivery to the chat answers 403."""
        self._faults.blocked_chats.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._faults.blocked_chats.discard(chat_id)

    def enforce_limits(self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1) -> None:
        """Answer 429 when message sends exceed Telegram's limits (sliding 1-second windows)."""
        self._faults.enforce_limits(global_per_second, per_chat_per_second)


def _canonical_or_raise(method: str) -> str:
    canonical = methods.canonical(method)
    if canonical is None:
        raise ValueError(f"FakeTelegram does not emulate {method!r}")
    return canonical
