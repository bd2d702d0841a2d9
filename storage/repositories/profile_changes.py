from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.profile_changes import ChangeStatus, ProfileChange, ProfileField
from storage.tables.profile_changes import ProfileChangeRow


class SqlProfileChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, change: ProfileChange) -> None:
        row = ProfileChangeRow(**_fields(change))
        self._session.add(row)
        await self._session.flush()
        change.id = row.id

    async def save(self, change: ProfileChange) -> None:
        row = await self._session.get(ProfileChangeRow, change.id)
        if row is None:
            raise LookupError(f"no profile change {change.id}")
        for name, value in _fields(change).items():
            setattr(row, name, value)
        # Before any insert of this flush: a withdrawn change must stop being the field's pending one first.
        await self._session.flush()

    async def get(self, change_id: int, *, for_update: bool = False) -> ProfileChange | None:
        statement = select(ProfileChangeRow).where(ProfileChangeRow.id == change_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return _change(row) if row else None

    async def pending(self) -> list[ProfileChange]:
        rows = await self._session.scalars(
            select(ProfileChangeRow)
            .where(ProfileChangeRow.status == ChangeStatus.PENDING.value)
            .order_by(ProfileChangeRow.id)
        )
        return [_change(row) for row in rows]

    async def of_therapist(self, therapist_id: int) -> list[ProfileChange]:
        rows = await self._session.scalars(
            select(ProfileChangeRow)
            .where(ProfileChangeRow.therapist_id == therapist_id)
            .order_by(ProfileChangeRow.id.desc())
        )
        return [_change(row) for row in rows]


def _fields(change: ProfileChange) -> dict[str, object]:
    return {
        "therapist_id": change.therapist_id,
        "field": change.field.value,
        "value": change.value,
        "status": change.status.value,
        "proposed_at": change.proposed_at,
        "decided_by": change.decided_by,
        "decided_at": change.decided_at,
        "note": change.note,
    }


def _change(row: ProfileChangeRow) -> ProfileChange:
    return ProfileChange(
        therapist_id=row.therapist_id,
        field=ProfileField(row.field),
        value=row.value,
        proposed_at=row.proposed_at,
        status=ChangeStatus(row.status),
        id=row.id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
    )
