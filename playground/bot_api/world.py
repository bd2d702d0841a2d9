"""The world as Telegram keeps it: people and chats, their messages, files, invoices, charges and open queries.

It answers no request itself: the Bot API methods (``methods/``) and the scripted users (``users.py``)
read and change it through the methods below, the one way in for both.
"""
from __future__ import annotations

import copy
import itertools
import json
import secrets
import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from playground.bot_api.records import Charge, StoredFile


class Person(Protocol):
    """Someone with a private chat to the bot (a scripted user)."""

    @property
    def info(self) -> dict[str, Any]:
        """The Telegram User object."""


def bot_id_from_token(token: str) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 100_000 + zlib.crc32(token.encode()) % 900_000


@dataclass
class BotProfile:
    """The bot as Telegram knows it: its name, and what it configured about itself (for assertions)."""

    username: str
    first_name: str
    # (scope as JSON, language code) -> the commands set for them.
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)

    def menu_for(self, chat_id: int, language_code: str | None) -> list[dict[str, Any]]:
        """The "/" menu a person sees in their private chat, by Telegram's order: the chat's own scope, then all private
        chats, then the default; within each, their language before none (Bot API, «Determining list of commands»)."""
        scopes = ({"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}, {"type": "default"})
        languages = (language_code or "", "") if language_code else ("",)
        for scope in scopes:
            for language in languages:
                if commands := self.commands.get((json.dumps(scope, sort_keys=True), language)):
                    return [dict(command) for command in commands]
        return []

    def user(self, token: str) -> dict[str, Any]:
        """The bot's User object, its id taken from the token as Telegram's is."""
        return {
            "id": bot_id_from_token(token),
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


class World:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._people: dict[int, Person] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = defaultdict(int)
        self._reply_keyboards: dict[int, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self._invoices: dict[tuple[int, int], dict[str, Any]] = {}
        self._invoice_links: dict[str, dict[str, Any]] = {}
        self._charges: dict[str, Charge] = {}
        self._open_callback_queries: set[str] = set()
        self._open_pre_checkout_queries: set[str] = set()
        self._topics: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        # Star payments refunded, in order.
        self.refunds: list[dict[str, Any]] = []

    def now(self) -> int:
        """Telegram's dates: whole Unix seconds."""
        return int(self._clock())

    def next_id(self) -> int:
        """A number not handed out before (query ids, file numbers, invoice links)."""
        return next(self._ids)

    # ------------------------------------------------------------------ people and chats

    def add_person(self, person: Person) -> None:
        """A user with a private chat to the bot (chat id == user id)."""
        info = person.info
        self._people[info["id"]] = person
        chat: dict[str, Any] = {"id": info["id"], "type": "private", "first_name": info["first_name"]}
        for key in ("last_name", "username"):
            if info.get(key):
                chat[key] = info[key]
        self._chats[info["id"]] = chat

    def person(self, user_id: int) -> dict[str, Any] | None:
        """The User object of a scripted user, or None for an id no one scripted."""
        person = self._people.get(user_id)
        return None if person is None else person.info

    def add_chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        self._chats[chat["id"]] = chat
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

    def chat_by_username(self, username: str) -> int | None:
        return next(
            (chat["id"] for chat in self._chats.values() if chat.get("username", "").lower() == username.lower()),
            None,
        )

    # ------------------------------------------------------------------ messages

    def create_message(
        self,
        chat_id: int,
        sender: dict[str, Any],
        content: Mapping[str, Any],
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A new message in a chat, from the bot or a person; returns a copy of it."""
        # One id sequence per chat, shared by both sides like in a real private chat.
        self._last_message_id[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self._last_message_id[chat_id],
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(self.chat(chat_id)),
            "date": self.now(),
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

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a message (after edits), or None if it does not exist (any more)."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def message_to_change(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The stored message itself, for an edit to change in place."""
        return self._messages.get((chat_id, message_id))

    def delete_message(self, chat_id: int, message_id: int) -> bool:
        """Whether there was such a message to delete."""
        return self._messages.pop((chat_id, message_id), None) is not None

    def chat_history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every existing message in a chat, oldest first, in its current state."""
        return [
            copy.deepcopy(message)
            for (chat, _), message in sorted(self._messages.items(), key=lambda item: item[0][1])
            if chat == chat_id
        ]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.chat_history(chat_id) if m.get("from", {}).get("is_bot")]

    # ------------------------------------------------------------------ reply keyboards

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The ReplyKeyboardMarkup the user currently sees in a chat, if any."""
        markup = self._reply_keyboards.get(chat_id)
        return copy.deepcopy(markup) if markup is not None else None

    def show_reply_keyboard(self, chat_id: int, markup: Mapping[str, Any]) -> None:
        self._reply_keyboards[chat_id] = copy.deepcopy(dict(markup))

    def hide_reply_keyboard(self, chat_id: int) -> None:
        self._reply_keyboards.pop(chat_id, None)

    # ------------------------------------------------------------------ files

    def store_file(
        self,
        kind: str,
        file_size: int,
        *,
        file_id: str | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
        content: bytes | None = None,
    ) -> StoredFile:
        """Keep a file (a new file_id unless one is given), reachable by getFile and downloads."""
        number = self.next_id()
        file_id = file_id or f"{kind.upper()}-{number}-{secrets.token_hex(6)}"
        if file_name and "." in file_name:
            extension = file_name.rpartition(".")[2]
        else:
            extension = {"photo": "jpg", "voice": "oga", "audio": "mp3", "video": "mp4"}.get(kind, "bin")
        stored = StoredFile(
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

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def file_at(self, file_path: str) -> StoredFile | None:
        return self._file_paths.get(file_path)

    # ------------------------------------------------------------------ queries waiting for the bot's answer

    def open_callback_query(self, query_id: str) -> None:
        self._open_callback_queries.add(query_id)

    def callback_query_open(self, query_id: str) -> bool:
        """Whether the query still waits for its answer (a query is answered once)."""
        return query_id in self._open_callback_queries

    def close_callback_query(self, query_id: str) -> None:
        self._open_callback_queries.discard(query_id)

    def open_pre_checkout_query(self, query_id: str) -> None:
        self._open_pre_checkout_queries.add(query_id)

    def pre_checkout_query_open(self, query_id: str) -> bool:
        return query_id in self._open_pre_checkout_queries

    def close_pre_checkout_query(self, query_id: str) -> None:
        self._open_pre_checkout_queries.discard(query_id)

    # ------------------------------------------------------------------ invoices and charges

    def keep_invoice(self, chat_id: int, message_id: int, invoice: dict[str, Any]) -> None:
        self._invoices[(chat_id, message_id)] = invoice

    def invoice(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self._invoices.get((chat_id, message_id))

    def last_invoice(self, chat_id: int) -> dict[str, Any] | None:
        """The newest invoice the bot sent into a chat."""
        ids = [message_id for chat, message_id in self._invoices if chat == chat_id]
        return self._invoices[(chat_id, max(ids))] if ids else None

    def invoice_link(self, invoice: dict[str, Any]) -> str:
        link = f"https://t.me/$fake_invoice_{self.next_id()}"
        self._invoice_links[link] = invoice
        return link

    def invoice_by_link(self, link: str) -> dict[str, Any] | None:
        return self._invoice_links.get(link)

    def record_charge(self, telegram_payment_charge_id: str, charge: Charge) -> None:
        self._charges[telegram_payment_charge_id] = charge

    def charge(self, telegram_payment_charge_id: str) -> Charge | None:
        return self._charges.get(telegram_payment_charge_id)

    # ------------------------------------------------------------------ forum topics

    def add_topic(self, chat_id: int, topic: dict[str, Any]) -> None:
        self._topics[chat_id][topic["message_thread_id"]] = topic

    def has_topic(self, chat_id: int, message_thread_id: int) -> bool:
        return message_thread_id in self._topics.get(chat_id, {})
