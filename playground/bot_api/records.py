"""What the server keeps and hands out: the calls it answered, its error answers, files, charges, payments."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Telegram's own wording of the errors a bot meets most.
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
        """Text or caption as the user sees it."""
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


@dataclass
class WithMessage:
    """A method's result together with the message it created or changed (recorded on its call)."""

    result: Any
    message: dict[str, Any]


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
class StoredFile:
    """A file the server knows: one a user sent, the bot uploaded, or a test added."""

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

    def as_file(self, kind: str = "document") -> dict[str, Any]:
        """The Bot API object (Document, Voice, …) describing this file."""
        obj: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.mime_type:
            obj["mime_type"] = self.mime_type
        if self.file_name and kind in ("document", "audio", "video", "animation"):
            obj["file_name"] = self.file_name
        return obj

    def as_photo(self, width: int = 1280, height: int = 960) -> list[dict[str, Any]]:
        """The PhotoSize list of a photo: a thumbnail and the picture itself."""
        base = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        thumb = {"file_id": f"{self.file_id}-s", "file_unique_id": f"{self.file_unique_id}s"}
        return [
            {**thumb, "width": max(width // 4, 1), "height": max(height // 4, 1), "file_size": max(self.file_size // 16, 1)},
            {**base, "width": width, "height": height, "file_size": self.file_size},
        ]


@dataclass
class Charge:
    """A payment Telegram took (what refundStarPayment looks up)."""

    user_id: int
    currency: str
    total_amount: int
    invoice_payload: str
    refunded: bool = False


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


def update_type(update: Mapping[str, Any]) -> str:
    """The kind of an update: its one key besides update_id ("message", "callback_query", …)."""
    return next((key for key in update if key != "update_id"), "")


def utf16_len(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
