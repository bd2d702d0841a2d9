"""Therapist profiles as staff list them, and the two switches staff may turn."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.roster import RosterEntry
from storage.db import rows_changed
from storage.tables import TherapistRow


class SqlTherapistRoster:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def entries(self) -> list[RosterEntry]:
        rows = await self._session.execute(
            select(
                TherapistRow.telegram_id, TherapistRow.full_name, TherapistRow.verified,
                TherapistRow.accepting_clients, TherapistRow.hidden, TherapistRow.meeting_url.is_not(None),
            )
            # Below zero: the nameless stand-ins that kept records point to after a deletion.
            .where(TherapistRow.telegram_id > 0)
            .order_by(TherapistRow.full_name, TherapistRow.telegram_id)
        )
        return [RosterEntry(*row) for row in rows]

    async def set_accepting(self, telegram_id: int, accepting: bool) -> bool:
        # Only this column (the therapist may be editing the rest of their profile right now), and
        # only if it changes, so two staff members acting at once change it, and tell the therapist, once.
        changed = await rows_changed(
            self._session,
            update(TherapistRow)
            .where(TherapistRow.telegram_id == telegram_id, TherapistRow.accepting_clients != accepting)
            .values(accepting_clients=accepting)
        )
        return changed == 1

    async def set_hidden(self, telegram_id: int, hidden: bool) -> bool:
        changed = await rows_changed(
            self._session,
            update(TherapistRow)
            .where(TherapistRow.telegram_id == telegram_id, TherapistRow.hidden != hidden)
            .values(hidden=hidden)
        )
        return changed == 1
