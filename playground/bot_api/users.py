"""Scripted users: every action pushes the update Telegram would send, and waits for the bot as a person would."""
from __future__ import annotations

import copy
import re
import secrets
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from playground.bot_api.records import Call, Charge, Payment, utf16_len

if TYPE_CHECKING:
    from playground.bot_api.server import FakeTelegram


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

    def _acting(self) -> None:
        """What the bot does from now on is its reaction to this action."""
        self.since = self.fake.call_count

    # -------------------------------------------------------------- messages

    def _push_message(
        self,
        content: dict[str, Any],
        *,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to: int | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        self._acting()
        if isinstance(reply_to, Mapping):
            reply_to = int(reply_to["message_id"])
        message = self.fake.world.create_message(
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
        stored = self.fake.world.store_file("photo", file_size, file_id=file_id, mime_type=mime_type, content=content)
        message: dict[str, Any] = {"photo": stored.as_photo(width, height)}
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
        stored = self.fake.world.store_file(
            "document", file_size, file_id=file_id, mime_type=mime_type, file_name=file_name, content=content,
        )
        message: dict[str, Any] = {"document": stored.as_file("document")}
        if caption:
            message["caption"] = caption
        return self._push_message(message, **kwargs)

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
        self._acting()
        query = {
            "id": f"{self.id}{self.fake.world.next_id():06d}",
            "from": self.info,
            "message": target,
            "chat_instance": str(zlib.crc32(f"{self.fake.bot_id}:{target['chat']['id']}".encode())),
            "data": button["callback_data"],
        }
        self.fake.world.open_callback_query(query["id"])
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
            self.fake.world.hide_reply_keyboard(self.id)
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
        self._acting()
        bot = self.fake.bot_user
        old: dict[str, Any] = {"status": old_status, "user": bot}
        if old_status == "kicked":
            old["until_date"] = 0
        update = {"my_chat_member": {
            "chat": copy.deepcopy(self.fake.chat(self.id)),
            "from": self.info,
            "date": self.fake.world.now(),
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
        world = self.fake.world
        if isinstance(invoice, str):
            found = world.invoice_by_link(invoice)
            if found is None:
                raise LookupError(f"unknown invoice link {invoice!r}")
            return found
        if isinstance(invoice, Call):
            invoice = invoice.message
        if invoice is None:
            found = world.last_invoice(self.id)
            if found is None:
                raise LookupError(f"the bot sent no invoice to {self!r}")
            return found
        found = world.invoice(invoice["chat"]["id"], invoice["message_id"])
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
        self._acting()
        query: dict[str, Any] = {
            "id": f"{self.id}{self.fake.world.next_id():08d}",
            "from": self.info,
            "currency": currency or details["currency"],
            "total_amount": total_amount if total_amount is not None else details["total_amount"],
            "invoice_payload": invoice_payload if invoice_payload is not None else details["payload"],
        }
        self.fake.world.open_pre_checkout_query(query["id"])
        self.fake.push_update({"pre_checkout_query": query})

        def answers(call: Call) -> bool:
            return call.method == "answerPreCheckoutQuery" and call.params.get("pre_checkout_query_id") == query["id"]

        found = await self.fake.wait_until(
            lambda: [call for call in self.fake.calls(since=self.since) if answers(call)], timeout,
        )
        answer = found[0] if found else None
        self.fake.world.close_pre_checkout_query(query["id"])
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
        self.fake.world.record_charge(
            telegram_payment_charge_id,
            Charge(self.id, query["currency"], query["total_amount"], query["invoice_payload"]),
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
