"""Messages: sending, editing, deleting, copying and forwarding them, and answering a button's press."""
from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request, int_param, str_param
from playground.bot_api.methods.files import file_from_param
from playground.bot_api.records import (
    NOT_MODIFIED_DESCRIPTION,
    STALE_QUERY_DESCRIPTION,
    ApiError,
    WithMessage,
    bad_request,
    utf16_len,
)

BOT_API_MESSAGE_LIMIT = 4096
BOT_API_CAPTION_LIMIT = 1024
BOT_API_CALLBACK_DATA_LIMIT = 64


def render_text(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Turn what the bot sent into what the user sees, the way Telegram does."""
    if isinstance(entities, list):
        found = list(entities)  # explicit entities win over parse_mode: the text is taken literally
    elif parse_mode:
        # The product sends plain text (with entities at most): Telegram's HTML and Markdown parsers are not
        # emulated. Refused loudly, so a bot that starts using a parse mode is noticed rather than misread.
        raise bad_request(f"parse_mode {parse_mode!r} is not emulated by this server: send entities")
    else:
        found = []
    # Telegram trims surrounding whitespace and shifts the entities accordingly.
    stripped = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip()
    limit = utf16_len(stripped)
    kept = []
    for entity in found:
        start = max(entity.get("offset", 0) - shift, 0)
        end = min(entity.get("offset", 0) + entity.get("length", 0) - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def inline_markup(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The message's inline keyboard, checked as Telegram checks it (None for a reply keyboard or none)."""
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= BOT_API_CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
            if len(set(button) - {"text", "style", "icon_custom_emoji_id"}) != 1:
                raise bad_request("text buttons are unallowed in the inline keyboard")
        return copy.deepcopy(markup)
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    return None


def _rendered(params: Mapping[str, Any], key: str, entities_key: str, limit: int, too_long: str) -> dict[str, Any]:
    text, entities = render_text(str(params.get(key, "")), params.get("parse_mode"), params.get(entities_key))
    if utf16_len(text) > limit:
        raise bad_request(too_long)
    content: dict[str, Any] = {key: text} if text else {}
    if entities:
        content[entities_key] = entities
    return content


def caption(params: Mapping[str, Any]) -> dict[str, Any]:
    if params.get("caption") in (None, ""):
        return {}
    return _rendered(params, "caption", "caption_entities", BOT_API_CAPTION_LIMIT, "message caption is too long")


def send(request: Request, params: Mapping[str, Any], content: dict[str, Any]) -> WithMessage:
    """A new message from the bot with this content, its keyboard, reply and topic from the params."""
    chat_id = request.chat_id(params)
    markup = inline_markup(params)
    if markup is not None:
        content["reply_markup"] = markup
    reply_to = params.get("reply_to_message_id")
    reply_parameters = params.get("reply_parameters")
    if isinstance(reply_parameters, dict):
        reply_to = reply_parameters.get("message_id", reply_to)
    thread_id = params.get("message_thread_id")
    message = request.world.create_message(
        chat_id, request.bot, content,
        message_thread_id=thread_id if isinstance(thread_id, int) else None,
        reply_to_message_id=reply_to if isinstance(reply_to, int) else None,
    )
    reply_markup = params.get("reply_markup")
    if isinstance(reply_markup, dict):
        if "keyboard" in reply_markup:
            request.world.show_reply_keyboard(chat_id, reply_markup)
        elif reply_markup.get("remove_keyboard"):
            request.world.hide_reply_keyboard(chat_id)
    return WithMessage(message, message)


def send_message(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    if params.get("text") in (None, ""):
        raise bad_request("message text is empty")
    content = _rendered(params, "text", "entities", BOT_API_MESSAGE_LIMIT, "message is too long")
    if not content.get("text"):
        raise bad_request("message text is empty")
    return send(request, params, content)


def send_photo(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    stored = file_from_param(request.world, params, "photo", "photo", mime_type="image/jpeg")
    return send(request, params, {"photo": stored.as_photo(), **caption(params)})


def send_document(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    stored = file_from_param(request.world, params, "document", "document")
    return send(request, params, {"document": stored.as_file("document"), **caption(params)})


def _send_playable(kind: str, request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    stored = file_from_param(request.world, params, kind, kind)
    media = {**stored.as_file(kind), "duration": int_param(params, "duration", 1)}
    if kind != "audio":
        media.update(width=int_param(params, "width", 640), height=int_param(params, "height", 480))
    return send(request, params, {kind: media, **caption(params)})


def send_audio(request: Request, params: Params) -> WithMessage:
    return _send_playable("audio", request, params)


def send_video(request: Request, params: Params) -> WithMessage:
    return _send_playable("video", request, params)


def send_animation(request: Request, params: Params) -> WithMessage:
    return _send_playable("animation", request, params)


def send_contact(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    contact = {"phone_number": str_param(params, "phone_number"), "first_name": str_param(params, "first_name")}
    return send(request, params, {"contact": contact})


def send_location(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    try:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
    except (KeyError, TypeError, ValueError):
        raise bad_request("invalid latitude or longitude specified") from None
    return send(request, params, {"location": location})


def _message_to_edit(request: Request, params: Params) -> dict[str, Any]:
    message = request.world.message_to_change(request.chat_id(params), int_param(params, "message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    return message


def edit_message_text(request: Request, params: Params) -> Any:
    if params.get("inline_message_id"):
        return True
    message = _message_to_edit(request, params)
    if params.get("text") in (None, ""):
        raise bad_request("message text is empty")
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    content = _rendered(params, "text", "entities", BOT_API_MESSAGE_LIMIT, "message is too long")
    return _edit(request, message, content, ("text", "entities"), params)


def edit_message_caption(request: Request, params: Params) -> Any:
    if params.get("inline_message_id"):
        return True
    message = _message_to_edit(request, params)
    if not any(key in message for key in ("photo", "document", "voice", "audio", "video", "animation")):
        raise bad_request("there is no caption in the message to edit")
    return _edit(request, message, caption(params), ("caption", "caption_entities"), params)


def edit_message_reply_markup(request: Request, params: Params) -> Any:
    if params.get("inline_message_id"):
        return True
    return _edit(request, _message_to_edit(request, params), {}, (), params)


def _edit(
    request: Request,
    message: dict[str, Any],
    content: dict[str, Any],
    replaced: Iterable[str],
    params: Mapping[str, Any],
) -> WithMessage:
    if not message.get("from", {}).get("is_bot"):
        raise bad_request("message can't be edited")
    # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
    markup = inline_markup(params)
    replaced = tuple(replaced)
    before = ({k: message.get(k) for k in replaced}, message.get("reply_markup"))
    after = ({k: content.get(k) for k in replaced}, markup)
    if before == after:
        raise ApiError(400, NOT_MODIFIED_DESCRIPTION)
    for key in replaced:
        message.pop(key, None)
    message.update(copy.deepcopy(content))
    message.pop("reply_markup", None)
    if markup is not None:
        message["reply_markup"] = markup
    message["edit_date"] = request.world.now()
    current = copy.deepcopy(message)
    return WithMessage(current, current)


def delete_message(request: Request, params: Params) -> bool:
    chat_id = request.chat_id(params)
    if not request.world.delete_message(chat_id, int_param(params, "message_id")):
        raise bad_request("message to delete not found")
    return True


def delete_messages(request: Request, params: Params) -> bool:
    chat_id = request.chat_id(params)
    ids = params.get("message_ids")
    if not isinstance(ids, list):
        raise bad_request("message_ids is empty")
    for message_id in ids:
        request.world.delete_message(chat_id, int(message_id))
    return True


def _source(request: Request, params: Params, purpose: str) -> dict[str, Any]:
    source = request.world.message(request.chat_id(params, "from_chat_id"), int_param(params, "message_id"))
    if source is None:
        raise bad_request(f"message to {purpose} not found")
    return source


def copy_message(request: Request, params: Params) -> WithMessage:
    request.chat_id(params)
    source = _source(request, params, "copy")
    if any(key in source for key in ("invoice", "successful_payment", "forum_topic_created")):
        raise bad_request("message can't be copied")
    content = {
        key: value for key, value in source.items()
        if key in ("text", "entities", "photo", "document", "voice", "audio", "video",
                   "animation", "caption", "caption_entities", "contact", "location")
    }
    if "caption" in params:
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(caption(params))
    sent = send(request, params, content)
    return WithMessage({"message_id": sent.message["message_id"]}, sent.message)


def forward_message(request: Request, params: Params) -> WithMessage:
    chat_id = request.chat_id(params)
    source = _source(request, params, "forward")
    content = {
        key: value for key, value in source.items()
        if key not in ("message_id", "from", "chat", "date", "reply_to_message", "edit_date",
                       "message_thread_id", "is_topic_message", "reply_markup")
    }
    content["forward_origin"] = {"type": "user", "sender_user": source["from"], "date": source["date"]}
    thread_id = params.get("message_thread_id")
    message = request.world.create_message(
        chat_id, request.bot, content, message_thread_id=thread_id if isinstance(thread_id, int) else None,
    )
    return WithMessage(message, message)


def answer_callback_query(request: Request, params: Params) -> bool:
    query_id = str_param(params, "callback_query_id")
    if not request.world.callback_query_open(query_id):
        raise ApiError(400, STALE_QUERY_DESCRIPTION)
    if len(str(params.get("text") or "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    request.world.close_callback_query(query_id)
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendAudio": send_audio,
    "sendVideo": send_video,
    "sendAnimation": send_animation,
    "sendContact": send_contact,
    "sendLocation": send_location,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "answerCallbackQuery": answer_callback_query,
}
