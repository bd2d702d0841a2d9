"""Staff's view of the therapists: finding one by name, and pausing or hiding a profile (the therapist is told)."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.profile_changes import ChangeRefused, ProfileChange
from core.roster import THERAPIST_HIDDEN, THERAPIST_PAUSED, THERAPIST_SHOWN, RosterEntry
from core.staff import Authority, Permission
from core.therapists import TherapistProfile
from core.usecases import profile_changes
from core.usecases.audit import record
from core.usecases.directory import is_listed
from core.usecases.notices import notify
from core.usecases.waitlist import schedule_changed


class RosterNotice(Notice):
    """The therapist hears what staff did to their profile: bot/notices/roster.py."""

    PAUSED = "roster.paused"
    HIDDEN = "roster.hidden"
    SHOWN = "roster.shown"

PAGE_SIZE = 8
MAX_QUERY = 64


class NotAllowed(PermissionError):
    pass


class UnknownTherapist(LookupError):
    pass


class NothingToChange(Exception):
    """The profile is already as asked (someone else did it a moment ago)."""


@dataclass(frozen=True)
class RosterPage:
    entries: list[RosterEntry]
    number: int  # from 0
    pages: int
    found: int
    query: str  # "" lists everyone
    without_room: int = 0  # of those found, how many keep no video room of their own


async def find_therapists(uow: UnitOfWork, query: str = "", number: int = 0) -> RosterPage:
    query = " ".join(query.split())[:MAX_QUERY]
    found = [entry for entry in await uow.roster.entries() if entry.matches(query)]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    without_room = sum(1 for entry in found if not entry.own_room)
    return RosterPage(found[number * PAGE_SIZE : (number + 1) * PAGE_SIZE], number, pages, len(found), query, without_room)


@dataclass(frozen=True)
class Standing:
    """A therapist's profile and where it stands, as staff see it."""

    profile: TherapistProfile
    listed_now: bool  # clients find it in the directory right now
    pending_changes: list[ProfileChange]  # the therapist's edits waiting for approval, oldest first


async def standing(uow: UnitOfWork, clock: Clock, therapist_id: int) -> Standing:
    profile = await therapist(uow, therapist_id)
    return Standing(
        profile, is_listed(profile, clock.now()), await profile_changes.waiting_of(uow, therapist_id=therapist_id)
    )


async def therapist(uow: UnitOfWork, therapist_id: int) -> TherapistProfile:
    profile = await uow.therapists.get(therapist_id) if therapist_id > 0 else None
    if profile is None:
        raise UnknownTherapist(therapist_id)
    return profile


async def pause_therapist(uow: UnitOfWork, clock: Clock, *, actor: Authority, therapist_id: int) -> TherapistProfile:
    """No new clients until the therapist resumes in their cabinet; booked sessions stay."""
    _require(actor)
    profile = await therapist(uow, therapist_id)
    if not await uow.roster.set_accepting(therapist_id, False):
        raise NothingToChange(therapist_id)
    profile.accepting_clients = False
    await _tell(uow, clock, RosterNotice.PAUSED, therapist_id)
    await record(uow, clock, actor.telegram_id, THERAPIST_PAUSED, therapist_id)
    await uow.commit()
    return profile


async def set_therapist_hidden(
    uow: UnitOfWork, clock: Clock, *, actor: Authority, therapist_id: int, hidden: bool
) -> TherapistProfile:
    """Hidden: out of the directory and its share link leads nowhere; booked sessions stay."""
    _require(actor)
    profile = await therapist(uow, therapist_id)
    if not await uow.roster.set_hidden(therapist_id, hidden):
        raise NothingToChange(therapist_id)
    before = copy.deepcopy(profile)
    profile.hidden = hidden
    await schedule_changed(uow, clock, before, profile)  # shown again: whoever waits for them hears of their times
    await _tell(uow, clock, RosterNotice.HIDDEN if hidden else RosterNotice.SHOWN, therapist_id)
    await record(uow, clock, actor.telegram_id, THERAPIST_HIDDEN if hidden else THERAPIST_SHOWN, therapist_id)
    await uow.commit()
    return profile


async def publish_pending_changes(uow: UnitOfWork, clock: Clock, *, actor: Authority, therapist_id: int) -> int:
    """Approve every edit the therapist is waiting on, oldest first; each is applied, logged and told as on its own.

    Returns how many were published: one decided meanwhile, or the actor's own, is left as it is.
    """
    _require(actor)
    await therapist(uow, therapist_id)
    published = 0
    for change in await profile_changes.waiting_of(uow, therapist_id=therapist_id):
        try:
            await profile_changes.approve(uow, clock, actor=actor, change_id=change.id)
        except (ChangeRefused, profile_changes.ChangeNotFound):
            await uow.rollback()
            continue
        published += 1
    return published


async def _tell(uow: UnitOfWork, clock: Clock, kind: RosterNotice, therapist_id: int) -> None:
    # One message per change: hiding and showing again in a row are two things to hear about.
    key = f"{kind}:{therapist_id}:{clock.now().isoformat()}"
    await notify(uow, clock, kind=kind, recipient_id=therapist_id, key=key)


def _require(actor: Authority) -> None:
    if not actor.may(Permission.MANAGE_THERAPISTS):
        raise NotAllowed(Permission.MANAGE_THERAPISTS)
