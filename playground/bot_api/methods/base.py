"""What every Bot API method works with: the request's context and its parameters, read as Telegram reads them."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from playground.bot_api.records import bad_request
from playground.bot_api.updates import UpdateQueue
from playground.bot_api.webhook import Webhook
from playground.bot_api.world import BotProfile, World

Params = dict[str, Any]


@dataclass
class Request:
    """One call's context: the state it reads and changes, and the bot that asked."""

    world: World
    updates: UpdateQueue
    webhook: Webhook
    profile: BotProfile
    bot: dict[str, Any]  # the asking bot's User object

    def chat_id(self, params: Mapping[str, Any], key: str = "chat_id") -> int:
        """A chat named by id (any id is a chat) or by @username (only a known one)."""
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            self.world.chat(value)
            return value
        if isinstance(value, str) and value.startswith("@"):
            found = self.world.chat_by_username(value[1:])
            if found is not None:
                return found
        raise bad_request("chat not found")


# A method's handler: its result (or a WithMessage), or a coroutine of it.
Handler = Callable[[Request, Params], Any]


def int_param(params: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = params.get(key, default)
    if value is None:
        raise bad_request(f"{key} is empty")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {key} specified") from None
    return int(value)


def str_param(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    if value is None or value == "":
        raise bad_request(f"{key} is empty")
    return str(value)
