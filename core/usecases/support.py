"""A person writes to support, support answers, support closes the ticket.

Every message between them is a timed message (kinds in bot/notices/support.py)
written in the same transaction as the ticket's change.
"""
from __future__ import annotations

from dataclasses import dataclass

from core import audit
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.staff import StaffRole
from core.support import Desk, Relay, RelayKind, Ticket, TicketStatus
from core.usecases.audit import record
from core.usecases.notices import notify


class SupportNotice(Notice):
    """Support's relays between a person and the support chat: bot/notices/support.py."""

    HEADER = "support.header"
    TO_STAFF = "support.to_staff"
    TO_PERSON = "support.to_person"
    CLOSED = "support.closed"
    UNDELIVERED = "support.undelivered"


class UnknownTicket(Exception):
    pass


class AlreadyClosed(Exception):
    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket.id)
        self.ticket = ticket


class NobodyOnDuty(Exception):
    """Neither a support chat nor anyone who could answer: a message would reach nobody."""


async def desk_for(
    uow: UnitOfWork, person_id: int, *, support_chat_id: int | None, full_admins: frozenset[int]
) -> Desk:
    """The support chat (and the person's topic in it, if it is a forum), or else the support team's own chats.

    Without a support role given to anyone, full admins answer; nobody gets their own message back.
    """
    if support_chat_id is not None:
        return Desk((support_chat_id,), await uow.support.topic_of(person_id, support_chat_id))
    team = [staff for staff in await uow.staff.holders(StaffRole.SUPPORT) if staff != person_id]
    if not team:
        team = sorted(admin for admin in full_admins if admin != person_id)
    return Desk(tuple(team))


async def remember_topic(uow: UnitOfWork, person_id: int, chat_id: int, thread_id: int) -> None:
    """The forum topic where support talks about this person from now on."""
    await uow.support.remember_topic(person_id, chat_id, thread_id)
    await uow.commit()


@dataclass(frozen=True)
class Written:
    ticket: Ticket
    opened: bool  # this message started a new ticket


async def write_to_support(uow: UnitOfWork, clock: Clock, *, person_id: int, message_id: int, desk: Desk) -> Written:
    """The person's message goes to support, in their open ticket or a new one."""
    if not desk.chats:
        raise NobodyOnDuty
    ticket = await uow.support.open_ticket_of(person_id)
    opened = ticket is None
    if ticket is None:
        ticket = await uow.support.open(person_id, clock.now())
        for chat_id in desk.chats:
            await notify(
                uow, clock, kind=SupportNotice.HEADER, recipient_id=chat_id, key=f"support:{ticket.id}:header:{chat_id}",
                ticket_id=ticket.id, thread_id=desk.thread_id,
            )
    for chat_id in desk.chats:
        await notify(
            uow, clock, kind=SupportNotice.TO_STAFF, recipient_id=chat_id, key=f"support:{ticket.id}:in:{message_id}:{chat_id}",
            ticket_id=ticket.id, message_id=message_id, thread_id=desk.thread_id,
        )
    await uow.commit()
    return Written(ticket, opened)


async def replied_relay(uow: UnitOfWork, chat_id: int, message_id: int) -> tuple[Relay, Ticket] | None:
    """The copy a message replies to, and its ticket: how a reply finds its way back."""
    relay = await uow.support.relay_at(chat_id, message_id)
    if relay is None:
        return None
    ticket = await uow.support.get(relay.ticket_id)
    return (relay, ticket) if ticket is not None else None


async def ticket_in_topic(uow: UnitOfWork, chat_id: int, thread_id: int) -> Ticket | None:
    person_id = await uow.support.person_in_topic(chat_id, thread_id)
    if person_id is None:
        return None
    return await uow.support.latest_ticket_of(person_id)


async def answer_person(
    uow: UnitOfWork,
    clock: Clock,
    *,
    ticket: Ticket,
    staff_id: int,
    chat_id: int,
    message_id: int,
    thread_id: int | None = None,
    answers_message_id: int | None = None,
) -> Ticket:
    """Support's message goes back to the person; answering a closed ticket opens it again."""
    if not ticket.is_open:
        ticket.status, ticket.closed_at, ticket.closed_by = TicketStatus.OPEN, None, None
        await uow.support.save(ticket)
    await notify(
        uow, clock, kind=SupportNotice.TO_PERSON, recipient_id=ticket.person_id, key=f"support:{ticket.id}:out:{chat_id}:{message_id}",
        ticket_id=ticket.id, from_chat_id=chat_id, message_id=message_id, thread_id=thread_id, staff_id=staff_id,
        answers_message_id=answers_message_id,
    )
    await uow.commit()
    return ticket


async def close_ticket(uow: UnitOfWork, clock: Clock, *, ticket_id: int, staff_id: int) -> Ticket:
    ticket = await uow.support.get(ticket_id)
    if ticket is None:
        raise UnknownTicket(ticket_id)
    if not ticket.is_open:
        raise AlreadyClosed(ticket)
    now = clock.now()
    ticket.status, ticket.closed_at, ticket.closed_by = TicketStatus.CLOSED, now, staff_id
    await uow.support.save(ticket)
    await record(uow, clock, staff_id, audit.TICKET_CLOSED, ticket.person_id, ticket=ticket.id)
    await notify(
        uow, clock, kind=SupportNotice.CLOSED, recipient_id=ticket.person_id,
        key=f"support:{ticket.id}:closed:{int(now.timestamp())}", ticket_id=ticket.id,
    )
    await uow.commit()
    return ticket


# -- what delivery remembers and asks (inside its own transaction: these never commit) ----


async def remember_relays(uow: UnitOfWork, relays: list[Relay]) -> None:
    for relay in relays:
        await uow.support.remember(relay)


async def header_in(uow: UnitOfWork, ticket_id: int, chat_id: int) -> int | None:
    """The ticket's heading in this chat, so the person's messages can be shown as replies to it."""
    for relay in await uow.support.relays(ticket_id):
        if relay.kind is RelayKind.HEADER and relay.chat_id == chat_id:
            return relay.message_id
    return None


async def person_heard_from_support(uow: UnitOfWork, ticket: Ticket) -> bool:
    return any(relay.kind is RelayKind.TO_PERSON for relay in await uow.support.relays(ticket.id))


async def tell_answer_undelivered(
    uow: UnitOfWork, clock: Clock, *, ticket_id: int, chat_id: int, message_id: int, thread_id: int | None
) -> None:
    await notify(
        uow, clock, kind=SupportNotice.UNDELIVERED, recipient_id=chat_id, key=f"support:{ticket_id}:undelivered:{chat_id}:{message_id}",
        ticket_id=ticket_id, message_id=message_id, thread_id=thread_id,
    )
