"""The Bot API methods the server emulates, one module a topic, each listing its methods in ``METHODS``."""
from __future__ import annotations

from playground.bot_api.methods import bot, chats, files, messages, payments, updates
from playground.bot_api.methods.base import Handler, Params, Request

__all__ = ["Handler", "Params", "Request", "canonical", "handler"]

_BY_TOPIC = (updates.METHODS, bot.METHODS, chats.METHODS, messages.METHODS, files.METHODS, payments.METHODS)
# Telegram takes method names in any case: lower-cased name -> (Telegram's spelling, handler).
_METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, method) for topic in _BY_TOPIC for name, method in topic.items()
}


def canonical(name: str) -> str | None:
    """Telegram's spelling of an emulated method ("sendmessage" → "sendMessage"), or None."""
    found = _METHODS.get(name.lower())
    return None if found is None else found[0]


def handler(name: str) -> Handler:
    """The handler of an emulated method (see ``canonical``)."""
    return _METHODS[name.lower()][1]
