"""How a request's parameters arrive: query string, JSON, or a form with files, decoded as Telegram decodes them."""
from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from playground.bot_api.records import UploadedFile, bad_request

# Parameters that carry free text or identifiers: never JSON-decoded, so a
# message text of "123" or "[draft]" stays exactly what the bot sent.
_FREE_TEXT_PARAMS = frozenset({
    "text", "caption", "title", "description", "payload", "provider_token", "currency",
    "start_parameter", "url", "name", "short_description", "callback_query_id",
    "pre_checkout_query_id", "shipping_query_id", "inline_query_id", "error_message",
    "parse_mode", "action", "telegram_payment_charge_id", "icon_custom_emoji_id",
    "message_effect_id", "business_connection_id", "secret_token", "ip_address",
    "language_code", "emoji", "question", "explanation", "phone_number", "first_name",
    "last_name", "vcard", "address", "file_id", "photo", "document", "voice", "audio",
    "video", "animation", "sticker", "video_note", "thumbnail", "inline_message_id",
    "custom_title", "invite_link", "provider_data", "file_name",
})


async def read_params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.body_exists:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise bad_request("the JSON request body must be an object")
            raw.update(body)
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            try:
                form = await request.post()
            except Exception as error:
                raise bad_request(f"can't parse request body: {error}") from None
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    raw[key] = value
    params = {key: _decode_param(key, value) for key, value in raw.items()}
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value[len("attach://"):], None)
            if attached is None:
                raise bad_request(f"file {value} is not attached")
            params[key] = attached
    # Files posted directly under the parameter name (no attach://) are legal too.
    params.update({key: value for key, value in files.items() if key not in params})
    return params


def _decode_param(key: str, value: Any) -> Any:
    """Undo aiogram's form encoding: objects/lists/numbers/bools arrive as JSON strings."""
    if not isinstance(value, str) or key in _FREE_TEXT_PARAMS:
        return value
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return value
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d{1,30}", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return value
