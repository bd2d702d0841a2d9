from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from core.staff import StaffGrant, StaffRole
from storage.db import rows_changed
from storage.tables import AuditRow, StaffRoleRow


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def roles_of(self, telegram_id: int) -> frozenset[StaffRole]:
        roles = await self._session.scalars(select(StaffRoleRow.role).where(StaffRoleRow.telegram_id == telegram_id))
        return frozenset(StaffRole(role) for role in roles)

    async def grants(self) -> list[StaffGrant]:
        rows = await self._session.scalars(
            select(StaffRoleRow).order_by(StaffRoleRow.granted_at, StaffRoleRow.telegram_id, StaffRoleRow.role)
        )
        return [StaffGrant(row.telegram_id, StaffRole(row.role), row.granted_by, row.granted_at) for row in rows]

    async def add(self, grant: StaffGrant) -> bool:
        if await self._session.get(StaffRoleRow, (grant.telegram_id, grant.role.value)) is not None:
            return False
        self._session.add(
            StaffRoleRow(
                telegram_id=grant.telegram_id, role=grant.role.value, granted_by=grant.granted_by, granted_at=grant.granted_at
            )
        )
        await self._session.flush()
        return True

    async def remove(self, telegram_id: int, role: StaffRole) -> bool:
        changed = await rows_changed(
            self._session,
            delete(StaffRoleRow).where(StaffRoleRow.telegram_id == telegram_id, StaffRoleRow.role == role.value)
        )
        return bool(changed)

    async def holders(self, role: StaffRole) -> list[int]:
        ids = await self._session.scalars(
            select(StaffRoleRow.telegram_id).where(StaffRoleRow.role == role.value).order_by(StaffRoleRow.granted_at)
        )
        return list(ids)


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        self._session.add(
            AuditRow(
                actor_id=entry.actor_id, action=entry.action, subject_id=entry.subject_id,
                details=dict(entry.details), at=entry.at,
            )
        )
        await self._session.flush()

    async def latest(self, *, limit: int, offset: int = 0, subject_id: int | None = None) -> list[AuditEntry]:
        statement = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
        if subject_id is not None:
            statement = statement.where(AuditRow.subject_id == subject_id)
        return [_entry(row) for row in await self._session.scalars(statement)]

    async def count(self, *, subject_id: int | None = None) -> int:
        statement = select(func.count()).select_from(AuditRow)
        if subject_id is not None:
            statement = statement.where(AuditRow.subject_id == subject_id)
        return int(await self._session.scalar(statement) or 0)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.actor_id, row.action, row.subject_id, row.at, dict(row.details or {}), row.id)
