"""Updates waiting for the bot: kept until an offset confirms them, as Telegram keeps them.

``getUpdates`` (``methods/updates.py``) and the webhook (``webhook.py``) both take from this queue.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from playground.bot_api.records import update_type
from playground.bot_api.waiting import Signal

# An empty / never given allowed_updates means "everything except these".
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self) -> None:
        self._next_update_id = 100_000_001
        self._pending: list[dict[str, Any]] = []
        self._redeliveries: list[dict[str, Any]] = []
        # Fired on every change a consumer may be waiting for: an update, a new poller, the server stopping.
        self.signal = Signal()
        self.closed = False
        # Long polls so far; a newer one terminates the older (Telegram answers the older 409).
        self.poll_generation = 0
        self.polls_started = 0
        self.allowed_updates: list[str] | None = None
        self.allowed_updates_history: list[list[str]] = []
        self.pushed_updates: list[dict[str, Any]] = []
        self.delivered_updates: list[dict[str, Any]] = []
        self.dropped_updates: list[dict[str, Any]] = []

    def close(self) -> None:
        """The server is stopping: every waiting consumer returns."""
        self.closed = True
        self.signal.fire()

    def reopen(self) -> None:
        self.closed = False

    def push(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update; an update_id is assigned unless one is given."""
        given = copy.deepcopy(dict(update))
        queued = {"update_id": given.pop("update_id", self._next_update_id), **given}
        self._next_update_id = max(self._next_update_id, int(queued["update_id"]) + 1)
        self._pending.append(queued)
        self._pending.sort(key=lambda u: u["update_id"])
        self.pushed_updates.append(copy.deepcopy(queued))
        self.signal.fire()
        return queued

    def redeliver(self, update: Mapping[str, Any] | int | None = None) -> dict[str, Any]:
        """Deliver an update again with the SAME update_id and content.

        This is what Telegram does when the bot never confirmed it (crash before
        the next getUpdates); here it is forced even if the offset already passed it,
        so a test does not have to win that race. Default: the last pushed update.
        """
        if update is None:
            if not self.pushed_updates:
                raise LookupError("no update has been pushed yet")
            update = self.pushed_updates[-1]
        elif isinstance(update, int):
            matches = [u for u in self.pushed_updates if u["update_id"] == update]
            if not matches:
                raise LookupError(f"no pushed update with update_id {update}")
            update = matches[-1]
        again = copy.deepcopy(dict(update))
        self._redeliveries.append(again)
        self.signal.fire()
        return again

    def send_again_first(self, update: dict[str, Any]) -> None:
        """An update its consumer did not take (a webhook answer other than 200): next in line again."""
        self._redeliveries.insert(0, update)

    @property
    def pending(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._redeliveries + self._pending)

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def allowed(self, update: Mapping[str, Any]) -> bool:
        kind = update_type(update)
        if not self.allowed_updates:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self.allowed_updates

    def allow(self, kinds: list[Any], *, remember: bool) -> None:
        """The bot's allowed_updates, in force until it gives another list."""
        self.allowed_updates = [str(kind) for kind in kinds]
        if remember:
            self.allowed_updates_history.append(list(self.allowed_updates))

    def ready(self) -> bool:
        """Whether an update is there to hand out."""
        return bool(self._redeliveries) or any(self.allowed(u) for u in self._pending)

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The next updates, oldest first (forced re-deliveries before them); they stay until confirmed."""
        # Filtering here rather than at push time is stricter than Telegram (which
        # still hands out updates created before allowed_updates changed), so a bot
        # that forgot to ask for a type is caught even if the test pushed early.
        for update in [u for u in self._pending if not self.allowed(u)]:
            self._pending.remove(update)
            self.dropped_updates.append(update)
        forced = [u for u in self._redeliveries if self.allowed(u)]
        self._redeliveries.clear()
        forced_ids = {u["update_id"] for u in forced}
        batch = (forced + [u for u in self._pending if u["update_id"] not in forced_ids])[:limit]
        # Forced re-deliveries that did not fit stay forced for the next call.
        self._redeliveries = forced[limit:]
        return copy.deepcopy(batch)

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset: every update below it was received (a negative one keeps the last few)."""
        if not offset:
            return
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        else:
            self._pending = self._pending[offset:]

    def confirm_one(self, update_id: int) -> None:
        """A webhook answered 200 for this update."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    def drop_pending(self, *, forced_too: bool) -> list[dict[str, Any]]:
        """drop_pending_updates: what was waiting is gone; returns it."""
        dropped, self._pending = self._pending, []
        if forced_too:
            self._redeliveries.clear()
        return dropped
