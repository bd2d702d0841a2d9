from __future__ import annotations

from sqlalchemy import bindparam, delete, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from core.users import Role, User
from storage.tables import UserRoleRow, UserRow

# Built once: every update reads its person, and building a statement (and its cache key) costs more than running it.
_PERSON = (
    select(UserRow, UserRoleRow.role)
    .outerjoin(UserRoleRow, UserRoleRow.telegram_id == UserRow.telegram_id)
    .where(UserRow.telegram_id == bindparam("telegram_id"))
)
# On the session's info: telegram id -> the roles stored, as read or written in this transaction. A person saved with
# the roles they had (a new name, a language) has their roles left alone instead of deleted and inserted again.
_ROLES_KNOWN = "user_roles_known"


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_id: int) -> User | None:
        """The person with their roles, in one query (every update asks it first)."""
        found = (await self._session.execute(_PERSON, {"telegram_id": telegram_id})).all()
        if not found:
            return None
        roles = {Role(role) for _, role in found if role is not None}
        self._known()[telegram_id] = frozenset(roles)
        return _to_user(found[0][0], roles)

    async def add(self, user: User) -> None:
        self._session.add(UserRow(telegram_id=user.telegram_id, created_at=user.created_at, **_fields(user)))
        await self._session.flush()
        await self._replace_roles(user)

    async def save(self, user: User) -> None:
        await self._session.execute(
            update(UserRow).where(UserRow.telegram_id == user.telegram_id).values(**_fields(user))
        )
        if self._known().get(user.telegram_id) != frozenset(user.roles):
            await self._replace_roles(user)

    async def mark_unreachable(self, telegram_id: int) -> None:
        await self._session.execute(
            update(UserRow).where(UserRow.telegram_id == telegram_id).values(reachable=False)
        )

    async def _replace_roles(self, user: User) -> None:
        await self._session.execute(delete(UserRoleRow).where(UserRoleRow.telegram_id == user.telegram_id))
        self._session.add_all(UserRoleRow(telegram_id=user.telegram_id, role=role.value) for role in user.roles)
        await self._session.flush()
        self._known()[user.telegram_id] = frozenset(user.roles)

    def _known(self) -> dict[int, frozenset[Role]]:
        known: dict[int, frozenset[Role]] = self._session.info.setdefault(_ROLES_KNOWN, {})
        return known


@event.listens_for(Session, "after_transaction_end")
def _forget_roles(session: Session, _transaction: SessionTransaction) -> None:
    # Any end, a savepoint's too: a savepoint rolled back may have undone a write of roles.
    session.info.pop(_ROLES_KNOWN, None)


def _fields(user: User) -> dict[str, object]:
    return {
        "first_name": user.first_name,
        "display_name": user.display_name,
        "locale": user.locale,
        "timezone": user.timezone,
        "timezone_chosen": user.timezone_chosen,
        "reachable": user.reachable,
    }


def _to_user(row: UserRow, roles: set[Role]) -> User:
    return User(
        telegram_id=row.telegram_id,
        first_name=row.first_name,
        display_name=row.display_name,
        locale=row.locale,
        timezone=row.timezone,
        timezone_chosen=row.timezone_chosen,
        reachable=row.reachable,
        created_at=row.created_at,
        roles=roles,
    )
