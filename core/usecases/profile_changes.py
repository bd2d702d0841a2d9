"""Proposing a profile change, and a community manager approving or rejecting it.

A proposal tells the people who may decide (full admins and community
managers); a decision is applied to the live profile when approved, recorded
in the audit log, and told to the therapist either way. Each message is a
timed message written with the change, so none is lost or sent twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.profile_changes import (
    CHANGE_APPROVED,
    CHANGE_REJECTED,
    MAX_NOTE,
    ChangeRefused,
    ProfileChange,
    ProfileField,
    live_value,
)
from core.staff import Authority, Permission, StaffRole
from core.therapists import TherapistProfile
from core.usecases.audit import record
from core.usecases.cabinet import own_profile
from core.usecases.notices import notify
from core.usecases.staff import NotAllowed


class ProfileChangeNotice(Notice):
    """A change to a profile, to admins and back to its therapist: bot/notices/cabinet.py."""

    PROPOSED = "cabinet.change_proposed"
    DECIDED = "cabinet.change_decided"


class ChangeNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Proposal:
    change: ProfileChange | None  # None: the value is what the profile already shows
    replaced: bool  # an earlier proposal for the field was waiting and is withdrawn


@dataclass(frozen=True)
class ChangeUnderReview:
    change: ProfileChange
    therapist: TherapistProfile
    current: Any  # what the live profile shows for the field now


async def propose(
    uow: UnitOfWork,
    clock: Clock,
    *,
    therapist_id: int,
    field: ProfileField,
    value: Any,
    full_admins: frozenset[int],
) -> Proposal:
    """A therapist's new value for one field, waiting for approval; a pending one for the field is withdrawn."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    now = clock.now()
    waiting = [c for c in await uow.profile_changes.of_therapist(therapist_id) if c.pending and c.field is field]
    for earlier in waiting:
        earlier.withdraw(now)
        await uow.profile_changes.save(earlier)
    if value == live_value(profile, field):
        await uow.commit()
        return Proposal(None, replaced=bool(waiting))
    change = ProfileChange(therapist_id, field, value, now)
    await uow.profile_changes.add(change)
    for admin_id in await _deciders(uow, full_admins):
        if admin_id == therapist_id:
            continue
        await notify(
            uow, clock, kind=ProfileChangeNotice.PROPOSED, recipient_id=admin_id,
            key=f"profile_change:{change.id}:proposed:{admin_id}", change_id=change.id,
        )
    await uow.commit()
    return Proposal(change, replaced=bool(waiting))


async def waiting_of(uow: UnitOfWork, *, therapist_id: int) -> list[ProfileChange]:
    """The therapist's own proposals still waiting, oldest first."""
    return [c for c in reversed(await uow.profile_changes.of_therapist(therapist_id)) if c.pending]


async def pending_changes(uow: UnitOfWork) -> list[tuple[ProfileChange, str]]:
    """Every change waiting for a decision, oldest first, with its therapist's name."""
    names: dict[int, str] = {}
    found = []
    for change in await uow.profile_changes.pending():
        if change.therapist_id not in names:
            profile = await uow.therapists.get(change.therapist_id)
            names[change.therapist_id] = profile.full_name if profile else str(change.therapist_id)
        found.append((change, names[change.therapist_id]))
    return found


async def under_review(uow: UnitOfWork, change_id: int) -> ChangeUnderReview:
    change = await uow.profile_changes.get(change_id)
    profile = await uow.therapists.get(change.therapist_id) if change else None
    if change is None or profile is None:
        raise ChangeNotFound(change_id)
    return ChangeUnderReview(change, profile, live_value(profile, change.field))


async def approve(uow: UnitOfWork, clock: Clock, *, actor: Authority, change_id: int) -> ChangeUnderReview:
    """Applied to the live profile at once; the therapist is told."""
    _require(actor)
    change = await _locked(uow, change_id)
    profile = await uow.therapists.get(change.therapist_id, for_update=True)
    if profile is None:
        raise ChangeNotFound(change_id)
    change.approve(actor.telegram_id, clock.now())
    change.apply_to(profile)
    await uow.therapists.save(profile)
    await _decided(uow, clock, actor, change, CHANGE_APPROVED)
    return ChangeUnderReview(change, profile, live_value(profile, change.field))


async def reject(
    uow: UnitOfWork, clock: Clock, *, actor: Authority, change_id: int, note: str | None
) -> ChangeUnderReview:
    """The profile stays as it is; the therapist is told, with the note when there is one."""
    _require(actor)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise ValueError("note too long")
    change = await _locked(uow, change_id)
    profile = await uow.therapists.get(change.therapist_id)
    if profile is None:
        raise ChangeNotFound(change_id)
    change.reject(actor.telegram_id, clock.now(), note)
    await _decided(uow, clock, actor, change, CHANGE_REJECTED)
    return ChangeUnderReview(change, profile, live_value(profile, change.field))


def check_decidable(actor: Authority, change: ProfileChange) -> None:
    """Before asking an admin for a rejection's note: the change can still be decided by them."""
    _require(actor)
    if not change.pending:
        raise ChangeRefused("decided")
    if change.therapist_id == actor.telegram_id:
        raise ChangeRefused("own_change")


# -- inside ----------------------------------------------------------------------


async def _deciders(uow: UnitOfWork, full_admins: frozenset[int]) -> list[int]:
    return sorted(set(full_admins) | set(await uow.staff.holders(StaffRole.COMMUNITY_MANAGER)))


async def _locked(uow: UnitOfWork, change_id: int) -> ProfileChange:
    change = await uow.profile_changes.get(change_id, for_update=True)
    if change is None:
        raise ChangeNotFound(change_id)
    return change


async def _decided(uow: UnitOfWork, clock: Clock, actor: Authority, change: ProfileChange, action: str) -> None:
    await uow.profile_changes.save(change)
    await notify(
        uow, clock, kind=ProfileChangeNotice.DECIDED, recipient_id=change.therapist_id,
        key=f"profile_change:{change.id}:decided", change_id=change.id,
    )
    await record(uow, clock, actor.telegram_id, action, change.therapist_id, change=change.id, field=change.field.value)
    await uow.commit()


def _require(actor: Authority) -> None:
    if not actor.may(Permission.MANAGE_THERAPISTS):
        raise NotAllowed(Permission.MANAGE_THERAPISTS)
