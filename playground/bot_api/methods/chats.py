"""Chats: what the bot may ask of one, and forum topics (the support group's)."""
from __future__ import annotations

import copy
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request, int_param, str_param
from playground.bot_api.records import bad_request


def get_chat(request: Request, params: Params) -> dict[str, Any]:
    chat = copy.deepcopy(request.world.chat(request.chat_id(params)))
    chat.update({
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True, "limited_gifts": True, "unique_gifts": True,
            "premium_subscription": True, "gifts_from_channels": True,
        },
    })
    return chat


def get_chat_member(request: Request, params: Params) -> dict[str, Any]:
    request.chat_id(params)
    user_id = int_param(params, "user_id")
    if user_id == request.bot["id"]:
        return {"status": "member", "user": request.bot}
    info = request.world.person(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
    return {"status": "member", "user": info}


def send_chat_action(request: Request, params: Params) -> bool:
    request.chat_id(params)
    str_param(params, "action")
    return True


def chat_noop(request: Request, params: Params) -> bool:
    request.chat_id(params)
    return True


def create_forum_topic(request: Request, params: Params) -> dict[str, Any]:
    world = request.world
    chat_id = request.chat_id(params)
    if world.chat(chat_id)["type"] != "supergroup":
        raise bad_request("the chat is not a forum")
    name = str_param(params, "name")
    if len(name) > 128:
        raise bad_request("TOPIC_TITLE_INVALID")
    # A topic id is the id of the service message that created it.
    created = world.create_message(chat_id, request.bot, {"forum_topic_created": {
        "name": name, "icon_color": params.get("icon_color") or 7322096,
    }})
    topic: dict[str, Any] = {
        "message_thread_id": created["message_id"],
        "name": name,
        "icon_color": params.get("icon_color") or 7322096,
    }
    if params.get("icon_custom_emoji_id"):
        topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
    world.add_topic(chat_id, topic)
    return copy.deepcopy(topic)


def forum_topic_noop(request: Request, params: Params) -> bool:
    chat_id = request.chat_id(params)
    if not request.world.has_topic(chat_id, int_param(params, "message_thread_id")):
        raise bad_request("TOPIC_ID_INVALID")
    return True


METHODS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "sendChatAction": send_chat_action,
    "setMessageReaction": chat_noop,
    "pinChatMessage": chat_noop,
    "unpinChatMessage": chat_noop,
    "unpinAllChatMessages": chat_noop,
    "createForumTopic": create_forum_topic,
    "editForumTopic": forum_topic_noop,
    "closeForumTopic": forum_topic_noop,
    "reopenForumTopic": forum_topic_noop,
    "deleteForumTopic": forum_topic_noop,
}
