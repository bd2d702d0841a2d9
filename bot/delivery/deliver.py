"""The one outbound path for what the bot says on its own initiative.

Reminders, notices, relays and broadcasts all arrive here as claimed timed
messages. For each: load the reader, speak their language, let the kind
render it (nothing rendered: its reason is gone, the message is dropped),
send it within Telegram's limits, tell the kind what was sent, and record
the outcome. No database transaction is held while Telegram is asked: on
SQLite that would stop every other writer for the length of a network call.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.utils.i18n import I18n

from bot.delivery.limits import SendLimits
from bot.delivery.telegram import send_part
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, lateness_limit
from bot.settings import Settings
from core.clock import Clock
from core.users import User
from scheduler.claims import Claim
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

# A 429 asking for a short wait is waited out on the spot, a few times; a
# longer one puts the message back in the queue for later.
RETRY_AFTER_IN_PLACE = 5
LONGEST_WAIT_IN_PLACE = 30
# Passing failures: Telegram's side (5xx), the network, or a token being rotated.
PASSING = (TelegramServerError, TelegramNetworkError, TelegramUnauthorizedError)

Outcome = Callable[[SqlUnitOfWork], Awaitable[object]]


class Delivery:
    def __init__(
        self,
        bot: Bot,
        units: Callable[[], SqlUnitOfWork],
        i18n: I18n,
        clock: Clock,
        settings: Settings,
        kinds: Mapping[str, NoticeKind],
        limits: SendLimits,
    ) -> None:
        self._bot = bot
        self._units = units
        self._i18n = i18n
        self._clock = clock
        self._settings = settings
        self.kinds = dict(kinds)
        self.limits = limits

    async def __call__(self, claim: Claim) -> None:
        prepared = await self._render(claim)
        if prepared is None:
            return
        context, parts = prepared
        first = claim.message.parts_sent + 1
        # Each part is recorded as soon as it is out, so neither a failure nor
        # a crash between the parts of a relay sends its first part twice.
        for done, part in enumerate(parts, start=first):
            try:
                message_id = await self._send(context.recipient.telegram_id, part)
            except TelegramAPIError as error:
                await self._record(context, [], self._after(error, claim, context, parts_sent=done - 1))
                return
            last = done == first + len(parts) - 1
            outcome = claim.sent if last else partial(claim.progress, parts_sent=done)
            await self._record(context, [SentMessage(part, message_id)], outcome)

    def _after(self, error: TelegramAPIError, claim: Claim, context: NoticeContext, *, parts_sent: int) -> Outcome:
        """What a part's failure means for the whole message."""
        if isinstance(error, TelegramForbiddenError):
            log.info("timed message %s: %s cannot be reached (%s)", claim.message.id, context.recipient.telegram_id, error.message)
            return self._failure(claim, context, _reason(error), unreachable=True)
        if isinstance(error, TelegramRetryAfter):
            at = self._clock.now() + timedelta(seconds=error.retry_after)
            return partial(claim.later, at=at, reason=f"429: retry after {error.retry_after}s", parts_sent=parts_sent)
        if isinstance(error, PASSING):
            log.warning("timed message %s: %s", claim.message.id, error)
            if claim.is_last_attempt:
                return self._failure(claim, context, f"gave up: {_reason(error)}")
            return partial(claim.retry, reason=_reason(error), parts_sent=parts_sent)
        # Telegram refused the message itself (400 and the like): sending it again changes nothing.
        log.error("timed message %s (%s) was refused: %s", claim.message.id, claim.message.kind, error)
        return self._failure(claim, context, _reason(error))

    async def _render(self, claim: Claim) -> tuple[NoticeContext, list[Outgoing]] | None:
        """What to send, with the database let go of; None when the outcome is already recorded."""
        message = claim.message
        async with self._units() as uow:
            recipient = await uow.users.get(message.recipient_id) or self._group_chat(message.recipient_id)
            kind = self.kinds.get(message.kind)
            if recipient is None:
                await claim.dropped(uow, "the recipient is not on the platform")
            elif kind is None:
                log.error("timed message %s has an unknown kind %r", message.id, message.kind)
                await claim.failed(uow, f"unknown kind {message.kind!r}")
            else:
                context = NoticeContext(
                    kind=message.kind,
                    recipient=recipient,
                    params=message.params,
                    due_at=message.due_at,
                    dedup_key=message.dedup_key,
                    uow=uow,
                    clock=self._clock,
                    settings=self._settings,
                )
                if not recipient.reachable:
                    await self._failure(claim, context, "the recipient has blocked the bot")(uow)
                elif (limit := lateness_limit(kind)) is not None and self._clock.now() - message.due_at > limit:
                    await claim.dropped(uow, "its moment has passed")
                else:
                    with self._speaking_to(recipient):
                        parts = list(await kind.render(context))
                    if parts:
                        await uow.rollback()  # let go of the database before the network
                        return context, parts[message.parts_sent:]
                    await claim.dropped(uow, "its reason is gone")
            await uow.commit()
            return None

    def _group_chat(self, chat_id: int) -> User | None:
        """A group the bot posts to (the support chat) reads the platform's default language.

        Telegram gives groups negative ids and people positive ones.
        """
        if chat_id >= 0:
            return None
        settings = self._settings
        return User(chat_id, "", settings.default_locale, settings.default_timezone, self._clock.now())

    async def _send(self, chat_id: int, part: Outgoing) -> int:
        for turn in range(RETRY_AFTER_IN_PLACE):
            try:
                async with self.limits.turn(chat_id):
                    return await send_part(self._bot, chat_id, part)
            except TelegramRetryAfter as error:
                log.warning("Telegram asked to wait %ss (429)", error.retry_after)
                await self.limits.pause(error.retry_after)
                if error.retry_after > LONGEST_WAIT_IN_PLACE or turn == RETRY_AFTER_IN_PLACE - 1:
                    raise
        raise AssertionError("unreachable: the last turn re-raises")

    def _failure(self, claim: Claim, context: NoticeContext, reason: str, *, unreachable: bool = False) -> Outcome:
        """It will never arrive: record that, and let the kind tell whoever should hear it."""

        async def outcome(uow: SqlUnitOfWork) -> None:
            if unreachable:
                await uow.users.mark_unreachable(context.recipient.telegram_id)
            await claim.failed(uow, reason)
            on_failed = getattr(self.kinds[context.kind], "on_failed", None)
            if on_failed is not None:
                context.uow = uow
                with self._speaking_to(context.recipient):
                    await on_failed(context, reason)

        return outcome

    async def _record(self, context: NoticeContext, sent: list[SentMessage], outcome: Outcome) -> None:
        """The outcome, and what the kind remembers of what was sent, in one transaction."""
        async with self._units() as uow:
            if sent:
                context.uow = uow
                with self._speaking_to(context.recipient):
                    await self.kinds[context.kind].after_sent(context, sent)
            await outcome(uow)
            await uow.commit()

    @contextmanager
    def _speaking_to(self, reader: User) -> Iterator[None]:
        locale = reader.locale if reader.locale in self._i18n.available_locales else self._i18n.default_locale
        with self._i18n.context(), self._i18n.use_locale(locale):
            yield


def _reason(error: TelegramAPIError) -> str:
    return f"{type(error).__name__}: {error.message}"[:500]
