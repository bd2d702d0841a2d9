"""Files: a file the bot sends (uploaded, known by id, or by URL), and getFile."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request, str_param
from playground.bot_api.records import StoredFile, UploadedFile, bad_request
from playground.bot_api.world import World

BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024


def file_from_param(
    world: World, params: Mapping[str, Any], key: str, kind: str, *, mime_type: str | None = None,
) -> StoredFile:
    value = params.get(key)
    if isinstance(value, UploadedFile):
        return world.store_file(
            kind, len(value.content), mime_type=value.content_type or mime_type,
            file_name=value.filename, content=value.content,
        )
    if isinstance(value, str) and value:
        known = world.file(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            return world.store_file(kind, 1024, mime_type=mime_type, file_name=value.rsplit("/", 1)[-1])
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {key} in the request")


def get_file(request: Request, params: Params) -> dict[str, Any]:
    stored = request.world.file(str_param(params, "file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > BOT_API_DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }


METHODS: dict[str, Handler] = {"getFile": get_file}
