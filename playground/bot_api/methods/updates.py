"""Getting updates: long polling and the webhook."""
from __future__ import annotations

import copy
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request, int_param
from playground.bot_api.records import POLLING_CONFLICT_DESCRIPTION, ApiError, bad_request


async def get_updates(request: Request, params: Params) -> list[dict[str, Any]]:
    updates = request.updates
    if request.webhook.url:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    offset = params.get("offset")
    offset = int_param(params, "offset") if offset not in (None, "") else None
    limit = min(max(int_param(params, "limit", 100), 1), 100)
    timeout = params.get("timeout", 0)
    try:
        timeout = max(float(timeout), 0.0)
    except (TypeError, ValueError):
        raise bad_request("invalid timeout specified") from None
    allowed = params.get("allowed_updates")
    if allowed is not None:
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        updates.allow(allowed, remember=True)

    # A newer poller terminates the older one, as Telegram does.
    updates.poll_generation += 1
    generation = updates.poll_generation
    updates.polls_started += 1
    updates.signal.fire()
    updates.confirm(offset)

    superseded = False

    def ready() -> bool:
        nonlocal superseded
        if updates.closed:
            return True
        if generation != updates.poll_generation:
            superseded = True
            return True
        return updates.ready()

    await updates.signal.wait_until(ready, timeout)
    if superseded:
        raise ApiError(409, POLLING_CONFLICT_DESCRIPTION)
    if updates.closed:
        return []
    batch = updates.take(limit)
    updates.delivered_updates.extend(copy.deepcopy(batch))
    return batch


def delete_webhook(request: Request, params: Params) -> bool:
    request.webhook.delete()
    if params.get("drop_pending_updates") is True:
        request.updates.dropped_updates.extend(request.updates.drop_pending(forced_too=True))
    return True


def set_webhook(request: Request, params: Params) -> bool:
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        request.updates.allow(allowed, remember=False)
    if params.get("drop_pending_updates") is True:
        request.updates.drop_pending(forced_too=False)
    request.webhook.set(str(params.get("url") or ""), params.get("secret_token") or None)
    return True


def get_webhook_info(request: Request, params: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": request.webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": request.updates.pending_count,
    }
    if request.updates.allowed_updates:
        info["allowed_updates"] = list(request.updates.allowed_updates)
    return info


METHODS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
}
