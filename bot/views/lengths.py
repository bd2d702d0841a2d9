"""How much one Telegram message may hold, measured as Telegram measures it: in UTF-16 code units.

A Cyrillic or Latin letter is one unit, an emoji beyond the Basic Multilingual
Plane (😊, 🗓) two, so a text counted in code points can pass our check and still
be refused by Telegram. How fast messages may go is `bot/delivery/limits.py`.
"""
from __future__ import annotations

MESSAGE_LIMIT = 4096  # a message's text
CAPTION_LIMIT = 1024  # a photo's or a document's caption
INVOICE_TITLE_LIMIT = 32
INVOICE_DESCRIPTION_LIMIT = 255
TOPIC_NAME_LIMIT = 128  # a forum topic's name

ELLIPSIS = "…"


def units(text: str) -> int:
    """The text's length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """The text as it is when it fits in `limit` units; otherwise its start and «…», `limit` units at most."""
    if units(text) <= limit:
        return text
    if limit < units(ELLIPSIS):
        return ""
    return _prefix(text, limit - units(ELLIPSIS)).rstrip() + ELLIPSIS


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of at most `limit` units each, split on line breaks; a line too long for one is split where it must."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while units(line) > limit:
            if current:
                parts.append(current)
                current = ""
            head = _prefix(line, limit) or line[:1]  # a limit of 1 cannot hold an emoji: it goes alone
            parts.append(head)
            line = line[len(head):]
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def _prefix(text: str, limit: int) -> str:
    """The longest start of the text within `limit` units; an astral character is never split in half."""
    taken = 0
    for index, char in enumerate(text):
        taken += 2 if ord(char) > 0xFFFF else 1
        if taken > limit:
            return text[:index]
    return text
