"""Granting and revoking staff roles; knowing who is staff."""
from __future__ import annotations

from dataclasses import dataclass

from core import audit
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.staff import Authority, Permission, StaffGrant, StaffRole
from core.usecases.audit import record
from core.usecases.notices import notify
from core.users import Role, User


class StaffNotice(Notice):
    """The person hears of their new or lost role: bot/notices/staff.py."""

    ROLE_GRANTED = "staff.role_granted"
    ROLE_REVOKED = "staff.role_revoked"


class NotAllowed(Exception):
    pass


class UnknownPerson(Exception):
    """Nobody with this id has started the bot, so there is nobody to give a role to."""


class AlreadyHeld(Exception):
    pass


class NotHeld(Exception):
    pass


async def authority_of(uow: UnitOfWork, telegram_id: int, full_admins: frozenset[int]) -> Authority:
    roles = await uow.staff.roles_of(telegram_id)
    return Authority(telegram_id, roles, telegram_id in full_admins)


@dataclass(frozen=True)
class StaffMember:
    person: User
    roles: frozenset[StaffRole]


async def staff_members(uow: UnitOfWork) -> list[StaffMember]:
    """Everyone holding a role, in the order they first got one."""
    roles: dict[int, set[StaffRole]] = {}
    for grant in await uow.staff.grants():
        roles.setdefault(grant.telegram_id, set()).add(grant.role)
    members = []
    for telegram_id, held in roles.items():
        person = await uow.users.get(telegram_id)
        if person is not None:
            members.append(StaffMember(person, frozenset(held)))
    return members


async def grant_role(uow: UnitOfWork, clock: Clock, *, actor: Authority, person_id: int, role: StaffRole) -> User:
    _require(actor)
    person = await _person(uow, person_id)
    if not await uow.staff.add(StaffGrant(person_id, role, actor.telegram_id, clock.now())):
        raise AlreadyHeld(role)
    # Staff see the console on /start: the account role follows the staff roles.
    if Role.ADMIN not in person.roles:
        person.roles.add(Role.ADMIN)
        await uow.users.save(person)
    await record(uow, clock, actor.telegram_id, audit.ROLE_GRANTED, person_id, role=role.value)
    await _tell(uow, clock, person, StaffNotice.ROLE_GRANTED, role)
    await uow.commit()
    return person


async def revoke_role(uow: UnitOfWork, clock: Clock, *, actor: Authority, person_id: int, role: StaffRole) -> User:
    _require(actor)
    person = await _person(uow, person_id)
    if not await uow.staff.remove(person_id, role):
        raise NotHeld(role)
    if not await uow.staff.roles_of(person_id) and Role.ADMIN in person.roles:
        person.roles.discard(Role.ADMIN)
        await uow.users.save(person)
    await record(uow, clock, actor.telegram_id, audit.ROLE_REVOKED, person_id, role=role.value)
    await _tell(uow, clock, person, StaffNotice.ROLE_REVOKED, role)
    await uow.commit()
    return person


def _require(actor: Authority) -> None:
    if not actor.may(Permission.MANAGE_STAFF):
        raise NotAllowed(Permission.MANAGE_STAFF)


async def _person(uow: UnitOfWork, person_id: int) -> User:
    person = await uow.users.get(person_id)
    if person is None:
        raise UnknownPerson(person_id)
    return person


async def _tell(uow: UnitOfWork, clock: Clock, person: User, kind: StaffNotice, role: StaffRole) -> None:
    stamp = int(clock.now().timestamp())
    key = f"{kind}:{person.telegram_id}:{role}:{stamp}"
    await notify(uow, clock, kind=kind, recipient_id=person.telegram_id, key=key, role=role.value)
