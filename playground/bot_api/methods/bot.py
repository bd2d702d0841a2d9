"""The bot itself: who it is, and what it sets about itself (commands, menu button, names, descriptions)."""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request
from playground.bot_api.records import bad_request


def _commands_key(params: Mapping[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _language(params: Params) -> str:
    return str(params.get("language_code") or "")


def get_me(request: Request, params: Params) -> dict[str, Any]:
    return request.bot


def true(request: Request, params: Params) -> bool:
    return True


def set_my_commands(request: Request, params: Params) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON array")
    for command in commands:
        if not isinstance(command, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    request.profile.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def delete_my_commands(request: Request, params: Params) -> bool:
    request.profile.commands.pop(_commands_key(params), None)
    return True


def get_my_commands(request: Request, params: Params) -> list[dict[str, Any]]:
    return copy.deepcopy(request.profile.commands.get(_commands_key(params), []))


def set_chat_menu_button(request: Request, params: Params) -> bool:
    button = params.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button")
    chat_id = params.get("chat_id")
    request.profile.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
    return True


def get_chat_menu_button(request: Request, params: Params) -> dict[str, Any]:
    chat_id = params.get("chat_id")
    buttons = request.profile.menu_buttons
    key = chat_id if isinstance(chat_id, int) else None
    return copy.deepcopy(buttons.get(key) or buttons.get(None) or {"type": "default"})


def set_my_name(request: Request, params: Params) -> bool:
    request.profile.names[_language(params)] = str(params.get("name") or "")
    return True


def get_my_name(request: Request, params: Params) -> dict[str, Any]:
    names = request.profile.names
    return {"name": names.get(_language(params)) or names.get("") or request.profile.first_name}


def set_my_description(request: Request, params: Params) -> bool:
    request.profile.descriptions[_language(params)] = str(params.get("description") or "")
    return True


def get_my_description(request: Request, params: Params) -> dict[str, Any]:
    descriptions = request.profile.descriptions
    return {"description": descriptions.get(_language(params), descriptions.get("", ""))}


def set_my_short_description(request: Request, params: Params) -> bool:
    request.profile.short_descriptions[_language(params)] = str(params.get("short_description") or "")
    return True


def get_my_short_description(request: Request, params: Params) -> dict[str, Any]:
    descriptions = request.profile.short_descriptions
    return {"short_description": descriptions.get(_language(params), descriptions.get("", ""))}


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": true,
    "close": true,
    "setMyCommands": set_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getMyCommands": get_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setMyName": set_my_name,
    "getMyName": get_my_name,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
}
