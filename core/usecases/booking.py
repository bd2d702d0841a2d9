"""Booking a session, answering a request, paying, cancelling, moving, marking a no-show.

Every change writes its timed messages in the same transaction: a system
message to both sides of the shared chat, and the timers of the booking's new
state (a request's lapse, the payment reminder and deadline, session
reminders, the end). Timers of an older state or time are cancelled first.

What time alone decides (a lapsed request, an expired booking, a held session)
is applied whenever a booking is read for a change, so a slot is free again
the moment its booking lapses, whether or not its timed message has gone out.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.bookings import Action, Booking, BookingRefused, BookingStatus, CancellationTerms, SlotTaken
from core.clock import Clock
from core.conversations import Side
from core.meetings import new_room
from core.notices import Notice
from core.payments import Refund
from core.ports import UnitOfWork
from core.rules.client_request import acceptable_note, chosen_topics
from core.rules.windows import answer_deadline, payment_reminder_at
from core.therapists import DEFAULT_MIN_NOTICE, TherapistProfile
from core.usecases import waitlist
from core.usecases.checkout import offer_payment
from core.usecases.conversations import open_conversation
from core.usecases.directory import TherapistUnavailable, listed_therapist, open_slots
from core.usecases.meetings import ask_for_room
from core.usecases.notices import cancel_all, notify, schedule
from core.usecases.refunds import after_cancellation, refund_of_booking

# How many next free times a client who lost a slot is offered.
ALTERNATIVES = 6
# How far back "My sessions" shows past sessions.
PAST_SHOWN = timedelta(days=90)


@dataclass(frozen=True)
class BookingPolicy:
    """The platform's booking settings (bot/settings.py fills them from the environment)."""

    min_notice: timedelta = DEFAULT_MIN_NOTICE
    horizon: timedelta = timedelta(days=60)
    request_ttl: timedelta = timedelta(hours=12)
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    platform_rooms: bool = True  # the platform gives each paid session a room of its own (MEETING_BASE_URL is set)

    def notice_for(self, therapist: TherapistProfile) -> timedelta:
        # A therapist who set their own notice (shorter or longer) is taken at their word.
        return therapist.min_notice if therapist.min_notice != DEFAULT_MIN_NOTICE else self.min_notice


class BookingNotice(Notice):
    """The booking's timed messages; bot/notices/booking.py renders each for its reader."""

    REQUESTED = "booking.requested"
    CONFIRMED = "booking.confirmed"
    DECLINED = "booking.declined"
    LAPSED = "booking.lapsed"
    CANCELLED = "booking.cancelled"
    MOVED = "booking.moved"
    NO_SHOW = "booking.no_show"
    PAYMENT_REMINDER = "booking.payment_reminder"
    EXPIRED = "booking.expired"
    SESSION_REMINDER = "booking.session_reminder"
    ENDED = "booking.ended"
    CALENDAR = "booking.calendar"  # a calendar file of a paid session: its event, an update, or its cancellation
    COME_BACK = "booking.come_back"  # to the client at the end: the same time next week (bot/notices/coming_back.py)


class SlotUnavailable(Exception):
    """The time is not (or no longer) free; here are the next free ones."""

    def __init__(self, next_free: Sequence[datetime], *, lost_race: bool) -> None:
        super().__init__("slot unavailable")
        self.next_free = list(next_free)
        self.lost_race = lost_race


class AlreadyYours(Exception):
    """The client already holds this very time with this therapist (say, "Book" pressed on an old message)."""

    def __init__(self, booking: Booking) -> None:
        super().__init__("already yours")
        self.booking = booking


class BookingNotFound(LookupError):
    """No such booking for this person: it does not exist or is someone else's (never said which)."""


class BookingChanged(Exception):
    """The button was made for an earlier time of this booking; it has moved since."""

    def __init__(self, booking: Booking) -> None:
        super().__init__("booking changed")
        self.booking = booking


class TermsChanged(Exception):
    """Cancelling now means something else than what the person was shown: show it again."""

    def __init__(self, terms: CancellationTerms) -> None:
        super().__init__("terms changed")
        self.terms = terms


@dataclass(frozen=True)
class SessionView:
    """A booking as one of its two people sees it."""

    booking: Booking
    side: Side
    counterpart_name: str
    actions: list[Action] = field(default_factory=list)
    refund: Refund | None = None  # what goes back for its payment, when a refund is due
    own_room: str | None = None  # the therapist's standing room, if they keep one


# -- finding a time ------------------------------------------------------------


async def free_times(
    uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, policy: BookingPolicy, *, moving: Booking | None = None
) -> list[datetime]:
    """Starts a client may book now; a booking being moved does not block its own neighbours."""
    bookings = await uow.bookings.active_of_therapist(therapist.telegram_id)
    return list(open_slots(therapist, bookings, clock.now(), policy, moving=moving))


# -- booking -------------------------------------------------------------------


async def own_booking_at(uow: UnitOfWork, *, client_id: int, therapist_id: int, starts_at: datetime) -> Booking | None:
    """The client's own active booking of this time with this therapist, if they hold it already."""
    held = await uow.bookings.active_of_therapist(therapist_id)
    return next((b for b in held if b.client_id == client_id and b.starts_at == starts_at), None)


async def _refuse_own_time(uow: UnitOfWork, client_id: int, therapist_id: int, starts_at: datetime) -> None:
    mine = await own_booking_at(uow, client_id=client_id, therapist_id=therapist_id, starts_at=starts_at)
    if mine is not None:
        raise AlreadyYours(mine)


async def request_booking(
    uow: UnitOfWork,
    clock: Clock,
    *,
    client_id: int,
    therapist_id: int,
    starts_at: datetime,
    policy: BookingPolicy,
    topics: Sequence[str] = (),
    note: str | None = None,
) -> Booking:
    """Book a free start: a request to a new therapist, confirmed at once with a familiar one.

    A request carries what the client would like to work on (of the therapist's topics) and their
    note; NoteTooLong if the note is over the limit.
    """
    now = clock.now()
    if client_id == therapist_id:
        raise BookingRefused("own_profile")
    kept_note = acceptable_note(note) if note is not None else None
    therapist = await listed_therapist(uow, clock, therapist_id=therapist_id)
    await _settle_therapist(uow, clock, therapist_id)
    free = await free_times(uow, clock, therapist, policy)
    if starts_at not in free:
        await _refuse_own_time(uow, client_id, therapist_id, starts_at)
        raise SlotUnavailable(_after(free, starts_at), lost_race=False)
    booking = Booking(
        client_id=client_id,
        therapist_id=therapist_id,
        starts_at=starts_at,
        ends_at=starts_at + therapist.session.length,
        price_minor=therapist.price_minor,
        status=BookingStatus.REQUESTED,
        created_at=now,
        lapses_at=answer_deadline(starts_at, now, policy.request_ttl),
        topics=chosen_topics(therapist.topics, topics),
        note=kept_note,
    )
    if await uow.bookings.ever_confirmed(client_id, therapist_id):
        booking.confirm(now)
    try:
        await uow.bookings.add(booking)
    except SlotTaken:
        await _refuse_own_time(uow, client_id, therapist_id, starts_at)
        free = await free_times(uow, clock, therapist, policy)
        raise SlotUnavailable(_after(free, starts_at), lost_race=True) from None
    await waitlist.booked(uow, clock, booking)  # their waitlist for this therapist has done its work
    await open_conversation(uow, client_id, therapist_id)
    event = BookingNotice.REQUESTED if booking.status is BookingStatus.REQUESTED else BookingNotice.CONFIRMED
    await _tell_both(uow, clock, booking, event)
    await _set_timers(uow, clock, booking, policy)
    if booking.status is BookingStatus.AWAITING_PAYMENT:
        await ask_for_room(uow, clock, booking, platform_rooms=policy.platform_rooms)
    await uow.commit()
    return booking


async def needs_request(uow: UnitOfWork, *, client_id: int, therapist_id: int) -> bool:
    """Whether booking this therapist is a request (a first session), which carries what the client comes with."""
    return not await uow.bookings.ever_confirmed(client_id, therapist_id)


async def earlier_request(uow: UnitOfWork, *, client_id: int, therapist_id: int) -> tuple[tuple[str, ...], str | None]:
    """The topics and note of the client's last request to this therapist, to offer again; empty if none."""
    last = await uow.bookings.last_request(client_id, therapist_id)
    return (last.topics, last.note) if last is not None else ((), None)


async def accept_request(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, booking_id: int, version: int, policy: BookingPolicy
) -> Booking:
    booking = await _for_action(uow, clock, therapist_id, booking_id, version, Action.ACCEPT)
    booking.confirm(clock.now())
    await uow.bookings.save(booking)
    await _tell_both(uow, clock, booking, BookingNotice.CONFIRMED)
    await _set_timers(uow, clock, booking, policy)
    await ask_for_room(uow, clock, booking, platform_rooms=policy.platform_rooms)
    await uow.commit()
    return booking


async def decline_request(uow: UnitOfWork, clock: Clock, *, therapist_id: int, booking_id: int, version: int) -> Booking:
    booking = await _for_action(uow, clock, therapist_id, booking_id, version, Action.DECLINE)
    booking.decline(clock.now())
    await _close(uow, clock, booking, BookingNotice.DECLINED)
    return booking


# -- paying ---------------------------------------------------------------------


async def booking_paid(
    uow: UnitOfWork,
    clock: Clock,
    booking_id: int,
    *,
    amount_minor: int | None = None,
    policy: BookingPolicy | None = None,
) -> Booking:
    """The platform received the payment: the session is held for the client.

    Called by payments inside their own transaction, so it does not commit: the
    payment and the booking are saved together. Paying twice changes nothing;
    a booking no longer payable (expired, cancelled) raises BookingRefused.
    """
    booking = await _locked(uow, clock, booking_id)
    if booking is None:
        raise BookingNotFound(booking_id)
    if booking.status is BookingStatus.PAID:
        return booking
    booking.mark_paid(clock.now(), booking.price_minor if amount_minor is None else amount_minor)
    booking.meeting_room = booking.meeting_room or new_room()
    await uow.bookings.save(booking)
    policy = policy or BookingPolicy()
    await _set_timers(uow, clock, booking, policy)
    # At the latest now (a session confirmed before the platform's video service was switched off).
    await ask_for_room(uow, clock, booking, platform_rooms=policy.platform_rooms)
    return booking


# -- cancelling and moving ---------------------------------------------------------


async def cancellation_terms(
    uow: UnitOfWork, clock: Clock, *, person_id: int, booking_id: int, version: int
) -> tuple[Booking, CancellationTerms]:
    """What cancelling now would mean, to tell the person before they confirm."""
    booking = await _for_action(uow, clock, person_id, booking_id, version, Action.CANCEL)
    side = booking.side_of(person_id)
    assert side is not None
    return booking, booking.cancellation_terms(side, clock.now())


async def cancel_booking(
    uow: UnitOfWork, clock: Clock, *, person_id: int, booking_id: int, version: int, expected_free: bool
) -> tuple[Booking, CancellationTerms]:
    """Cancel, if it still means what the person agreed to (free or counted as held)."""
    booking, terms = await cancellation_terms(
        uow, clock, person_id=person_id, booking_id=booking_id, version=version
    )
    if terms.free != expected_free:
        raise TermsChanged(terms)
    side = booking.side_of(person_id)
    assert side is not None
    was_paid = booking.status is BookingStatus.PAID
    booking.cancel(side, clock.now())
    if was_paid:  # the event in both calendars is cancelled, right after the chat says so
        await _close(uow, clock, booking, BookingNotice.CANCELLED, then=_cancelled_paid)
    else:
        await _close(uow, clock, booking, BookingNotice.CANCELLED, then=after_cancellation)
    return booking, terms


async def _cancelled_paid(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    # payments: the refund due, in the same transaction, told after the cancellation itself
    await after_cancellation(uow, clock, booking)
    await send_calendar(uow, clock, booking, cancelled=True)


async def move_booking(
    uow: UnitOfWork,
    clock: Clock,
    *,
    client_id: int,
    booking_id: int,
    version: int,
    new_start: datetime,
    policy: BookingPolicy,
) -> Booking:
    booking = await _for_action(uow, clock, client_id, booking_id, version, Action.MOVE)
    therapist = await uow.therapists.get(booking.therapist_id)
    if therapist is None:
        raise TherapistUnavailable(booking.therapist_id)
    await _settle_therapist(uow, clock, booking.therapist_id)
    free = await free_times(uow, clock, therapist, policy, moving=booking)
    if new_start not in free or new_start == booking.starts_at:
        raise SlotUnavailable(_after(free, new_start), lost_race=False)
    previous_start = booking.starts_at
    booking.move(new_start, clock.now())
    try:
        await uow.bookings.save(booking)
    except SlotTaken:
        free = await free_times(uow, clock, therapist, policy, moving=booking)
        raise SlotUnavailable(_after(free, new_start), lost_race=True) from None
    await _tell_both(
        uow, clock, booking, BookingNotice.MOVED, previous_start=previous_start.isoformat(), new_start=new_start.isoformat()
    )
    await waitlist.times_opened(uow, clock, booking.therapist_id, [previous_start])
    await _set_timers(uow, clock, booking, policy)
    if booking.status is BookingStatus.PAID:
        await send_calendar(uow, clock, booking)
    await uow.commit()
    return booking


async def mark_no_show(uow: UnitOfWork, clock: Clock, *, therapist_id: int, booking_id: int, version: int) -> Booking:
    booking = await _for_action(uow, clock, therapist_id, booking_id, version, Action.NO_SHOW)
    booking.mark_no_show(clock.now())
    await _close(uow, clock, booking, BookingNotice.NO_SHOW)
    return booking


# -- reading --------------------------------------------------------------------------


async def my_sessions(uow: UnitOfWork, clock: Clock, person_id: int, *, language: str) -> list[SessionView]:
    """The person's bookings as client or therapist: active ones and those of the last months, by start.

    `language`: the reader's, for the therapist's name they see.
    """
    now = clock.now()
    views = []
    for booking in await uow.bookings.of_person(person_id, since=now - PAST_SHOWN):
        if booking.settle(now):
            await uow.bookings.save(booking)
        views.append(await _view(uow, booking, person_id, now, language))
    await uow.commit()
    return views


async def session_view(uow: UnitOfWork, clock: Clock, *, person_id: int, booking_id: int, language: str) -> SessionView:
    booking = await _locked(uow, clock, booking_id)
    if booking is None or booking.side_of(person_id) is None:
        raise BookingNotFound(booking_id)
    await uow.commit()
    return await _view(uow, booking, person_id, clock.now(), language)


async def settled_booking(uow: UnitOfWork, clock: Clock, booking_id: int) -> Booking | None:
    """The booking as time has left it (for a timed message checking that its reason holds).

    Joins the caller's transaction: delivery saves the change with the message's fate.
    """
    return await _locked(uow, clock, booking_id)


async def released_by_time(uow: UnitOfWork, clock: Clock, booking_id: int) -> None:
    """A request that lapsed or a booking that expired unpaid let go of its time: whoever waits for it hears.

    Called when the lapse's or the expiry's message goes out, in its transaction, whoever saved the change
    first; hearing of a time twice tells nobody twice.
    """
    booking = await settled_booking(uow, clock, booking_id)
    if booking is not None and booking.status in (BookingStatus.LAPSED, BookingStatus.EXPIRED):
        await waitlist.booking_let_go(uow, clock, booking)


# -- inside --------------------------------------------------------------------------


async def _locked(uow: UnitOfWork, clock: Clock, booking_id: int) -> Booking | None:
    booking = await uow.bookings.get(booking_id, for_update=True)
    if booking is not None and booking.settle(clock.now()):
        await uow.bookings.save(booking)
    return booking


async def _for_action(
    uow: UnitOfWork, clock: Clock, person_id: int, booking_id: int, version: int, action: Action
) -> Booking:
    booking = await _locked(uow, clock, booking_id)
    if booking is None or booking.side_of(person_id) is None:
        raise BookingNotFound(booking_id)
    if booking.version != version:
        raise BookingChanged(booking)
    if action not in booking.actions_for(person_id, clock.now()):
        raise BookingRefused(f"{action.value}_not_allowed")
    return booking


async def _view(uow: UnitOfWork, booking: Booking, person_id: int, now: datetime, language: str) -> SessionView:
    side = booking.side_of(person_id)
    assert side is not None
    therapist = await uow.therapists.get(booking.therapist_id)
    if side is Side.CLIENT:
        name = therapist.name_for(language) if therapist else "—"
    else:
        client = await uow.users.get(booking.client_id)
        name = client.shown_name if client else "—"
    refund = await refund_of_booking(uow, booking.id) if booking.refund_due_minor else None
    own_room = therapist.meeting_url if therapist else None
    return SessionView(booking, side, name, booking.actions_for(person_id, now), refund=refund, own_room=own_room)


async def _settle_therapist(uow: UnitOfWork, clock: Clock, therapist_id: int) -> None:
    """Save what time decided, so a lapsed or expired booking lets go of its slot in the index too."""
    now = clock.now()
    for booking in await uow.bookings.active_of_therapist(therapist_id):
        if booking.settle(now):
            await uow.bookings.save(booking)


async def _close(
    uow: UnitOfWork,
    clock: Clock,
    booking: Booking,
    event: BookingNotice,
    then: Callable[[UnitOfWork, Clock, Booking], Awaitable[None]] | None = None,
) -> None:
    await uow.bookings.save(booking)
    await cancel_all(uow, _timer_prefix(booking))
    await _tell_both(uow, clock, booking, event)
    await waitlist.booking_let_go(uow, clock, booking)
    if then is not None:
        await then(uow, clock, booking)
    await uow.commit()


async def _tell_both(uow: UnitOfWork, clock: Clock, booking: Booking, event: BookingNotice, **params: Any) -> None:
    """A system message of the booking, on both sides of the shared chat."""
    name = event.value.removeprefix("booking.")
    for recipient in (booking.client_id, booking.therapist_id):
        await notify(
            uow,
            clock,
            kind=event,
            recipient_id=recipient,
            key=f"booking:{booking.id}:notice:{name}:v{booking.version}:{recipient}",
            booking_id=booking.id,
            version=booking.version,
            **params,
        )


async def send_calendar(uow: UnitOfWork, clock: Clock, booking: Booking, *, cancelled: bool = False) -> None:
    """A calendar file of this version of a paid session to both sides: its event, or its cancellation."""
    what = "cancel" if cancelled else "event"
    for recipient in (booking.client_id, booking.therapist_id):
        await notify(
            uow,
            clock,
            kind=BookingNotice.CALENDAR,
            recipient_id=recipient,
            key=f"booking:{booking.id}:calendar:{what}:v{booking.version}:{recipient}",
            booking_id=booking.id,
            version=booking.version,
            cancelled=cancelled,
        )


def _timer_prefix(booking: Booking) -> str:
    return f"booking:{booking.id}:timer:"


async def _set_timers(uow: UnitOfWork, clock: Clock, booking: Booking, policy: BookingPolicy) -> None:
    """The timed messages of the booking's current state and time, replacing any earlier ones."""
    await cancel_all(uow, _timer_prefix(booking))
    now = clock.now()
    base = _timer_prefix(booking)
    version = booking.version
    both = (booking.client_id, booking.therapist_id)

    async def at(kind: BookingNotice, moment: datetime, recipient: int, what: str, **params: Any) -> None:
        await schedule(
            uow,
            clock,
            kind=kind,
            recipient_id=recipient,
            at=moment,
            key=f"{base}{what}:v{version}:{recipient}",
            booking_id=booking.id,
            version=version,
            **params,
        )

    if booking.status is BookingStatus.REQUESTED:
        assert booking.lapses_at is not None
        for recipient in both:
            await at(BookingNotice.LAPSED, booking.lapses_at, recipient, "lapse")
    elif booking.status is BookingStatus.AWAITING_PAYMENT:
        assert booking.payment_due_at is not None
        reminder = payment_reminder_at(booking.payment_due_at, now)
        if reminder is not None:  # the invoice goes out now; at short notice it is the only ask
            for recipient in both:  # the client with the pay button, the therapist a line that it went out
                await at(BookingNotice.PAYMENT_REMINDER, reminder, recipient, "pay-reminder")
        for recipient in both:
            await at(BookingNotice.EXPIRED, booking.payment_due_at, recipient, "expiry")
        await offer_payment(uow, clock, booking)  # payments: the invoice for this version of the booking
    elif booking.status is BookingStatus.PAID:
        for lead in policy.reminders:
            moment = booking.starts_at - lead
            if moment > now:
                hours = int(lead.total_seconds() // 3600)
                for recipient in both:
                    await at(BookingNotice.SESSION_REMINDER, moment, recipient, f"reminder-{hours}h", hours=hours)
        await at(BookingNotice.ENDED, booking.ends_at, booking.therapist_id, "ended")
        await at(BookingNotice.COME_BACK, booking.ends_at, booking.client_id, "come-back")


def _after(free: Sequence[datetime], moment: datetime) -> list[datetime]:
    """The next free times from the wanted one on (or the first ones, when none is later)."""
    later = [start for start in free if start > moment]
    return (later or list(free))[:ALTERNATIVES]
