"""The contract between a timed message's kind and the delivery that sends it.

Delivery claims a due row, loads its recipient, sets the recipient's language,
and asks the kind to render it. A kind returns what to send, or nothing when
the message's reason is gone (a payment reminder for a booking already paid):
then the row is dropped, not sent.

`render` and `after_sent` get different units of work in `context.uow`: no
transaction is held open while Telegram is asked. `after_sent` runs in the
transaction that records the message as sent, so what it writes is saved
with that or not at all.

Messages missed while the bot was down are rendered when it is back; a kind
decides whether they still make sense (render returns []), or declares a
`max_lateness: timedelta` class attribute past which delivery drops a late
message without rendering it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram.types import InlineKeyboardMarkup, LabeledPrice
from pydantic import SecretStr

from bot.settings import Settings
from core.clock import Clock
from core.ports import UnitOfWork
from core.users import User


@dataclass(frozen=True)
class Text:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None  # a topic of a forum group (the support chat)


@dataclass(frozen=True)
class Copy:
    """A relayed message: copied, never forwarded, so the sender's account stays hidden."""

    from_chat_id: int
    message_id: int
    caption: str | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None


@dataclass(frozen=True)
class Document:
    """A file made by the bot (a calendar file), sent with its name and an optional caption."""

    file_name: str
    content: bytes
    caption: str | None = None


@dataclass(frozen=True)
class Invoice:
    title: str
    description: str
    payload: str
    currency: str
    prices: list[LabeledPrice]
    provider_token: SecretStr | None = None  # unwrapped only in the call that sends it


@dataclass(frozen=True)
class StarRefund:
    """Not a message: Telegram Stars given back to a payer (refundStarPayment).

    Sent through delivery like a message, so a refund gets its retries, its
    lease and its record, and is never given twice.
    """

    user_id: int
    telegram_payment_charge_id: str


Outgoing = Text | Copy | Document | Invoice | StarRefund


@dataclass(frozen=True)
class SentMessage:
    outgoing: Outgoing
    message_id: int


@dataclass
class NoticeContext:
    kind: str
    recipient: User
    params: Mapping[str, Any]
    due_at: datetime
    dedup_key: str
    uow: UnitOfWork
    clock: Clock
    settings: Settings


class NoticeKind(ABC):
    """A kind of timed message. Each renders its own; remembering what was sent and hearing of a failure are optional."""

    @abstractmethod
    async def render(self, context: NoticeContext) -> list[Outgoing]:
        """What to send now, in the recipient's language (already set); [] drops the message."""

    # Defaults that do nothing, on purpose: most kinds need neither.
    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:  # noqa: B027
        """Remember what was sent where it matters (e.g. to route replies); by default nothing."""

    async def on_failed(self, context: NoticeContext, reason: str) -> None:  # noqa: B027
        """The message will never arrive (the recipient blocked the bot, or retries ran out).

        A kind whose failure someone should hear about (a relay's sender) says so
        here, inside the delivery's transaction; by default nobody is told.
        """


def lateness_limit(kind: NoticeKind) -> timedelta | None:
    """How late a message of this kind may still go out; None: the kind decides when rendering."""
    return getattr(kind, "max_lateness", None)


def merged_kinds(*topics: Mapping[str, NoticeKind]) -> dict[str, NoticeKind]:
    """One registry from every topic's `notice_kinds()`; a name claimed twice is a wiring mistake."""
    merged: dict[str, NoticeKind] = {}
    for kinds in topics:
        for name, kind in kinds.items():
            if name in merged:
                raise ValueError(f"notice kind {name!r} is defined twice")
            merged[name] = kind
    return merged
