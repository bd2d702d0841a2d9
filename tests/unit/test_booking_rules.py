"""Booking states and the use cases that move them, against in-memory fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.bookings import Action, Booking, BookingRefused, BookingStatus
from core.clock import ManualClock
from core.conversations import Side
from core.rules.client_request import NOTE_LIMIT, NoteTooLong, acceptable_note, toggled
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import (
    BookingChanged,
    BookingNotFound,
    BookingPolicy,
    SlotUnavailable,
    TermsChanged,
    accept_request,
    booking_paid,
    cancel_booking,
    earlier_request,
    free_times,
    mark_no_show,
    move_booking,
    needs_request,
    request_booking,
)
from core.usecases.directory import TherapistUnavailable
from tests.unit.fakes import FakeUnitOfWork

H = timedelta(hours=1)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday, 10:00 in Kyiv
THERAPIST, CLIENT, OTHER = 7001, 1001, 1002
POLICY = BookingPolicy()


def platform(*profiles: TherapistProfile) -> FakeUnitOfWork:
    """The therapists given; anyone else who turns up is a client."""
    return FakeUnitOfWork(therapists=profiles, anyone_joined_at=NOW)


def therapist(**changes: Any) -> TherapistProfile:
    profile = TherapistProfile(
        telegram_id=THERAPIST,
        full_name="Iryna Kovalenko",
        about="",
        education="",
        experience_years=8,
        price_minor=120_000,
        timezone="Europe/Kyiv",
        topics=["anxiety"],
        approaches=["cbt"],
        languages=["uk", "en"],
        share_code="iryna",
        verified=True,
        hours=[WorkingHours(day, time(10), time(18)) for day in range(5)],
    )
    return replace(profile, **changes)


def booking(starts_in: timedelta, status: BookingStatus = BookingStatus.AWAITING_PAYMENT, **changes: Any) -> Booking:
    start = NOW + starts_in
    made = Booking(CLIENT, THERAPIST, start, start + timedelta(minutes=50), 120_000, status, NOW - H, **changes)
    return made


# -- the entity ------------------------------------------------------------------


@given(left=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)))
def test_a_client_cancels_free_exactly_when_24_hours_or_more_are_left(left):
    paid = booking(left, BookingStatus.PAID, paid_minor=120_000)
    terms = paid.cancel(Side.CLIENT, NOW)
    if left >= timedelta(hours=24):
        assert (paid.status, paid.refund_due_minor, terms.free) == (BookingStatus.CANCELLED_IN_TIME, 120_000, True)
    else:
        assert (paid.status, paid.refund_due_minor, terms.free) == (BookingStatus.CANCELLED_LATE, None, False)
        assert paid.counts_as_held


def test_a_therapist_cancelling_is_free_for_the_client_even_an_hour_before():
    paid = booking(H, BookingStatus.PAID, paid_minor=120_000)
    paid.cancel(Side.THERAPIST, NOW)
    assert (paid.status, paid.cancelled_by, paid.refund_due_minor) == (
        BookingStatus.CANCELLED_IN_TIME, Side.THERAPIST, 120_000
    )


def test_an_unpaid_cancellation_owes_no_refund():
    unpaid = booking(48 * H)
    unpaid.cancel(Side.CLIENT, NOW)
    assert (unpaid.status, unpaid.refund_due_minor) == (BookingStatus.CANCELLED_IN_TIME, None)


def test_time_lapses_a_request_expires_an_unpaid_booking_and_holds_a_paid_one():
    request = booking(48 * H, BookingStatus.REQUESTED, lapses_at=NOW + 12 * H)
    unpaid = booking(48 * H, payment_due_at=NOW + 24 * H)
    paid = booking(48 * H, BookingStatus.PAID)
    assert not any(b.settle(NOW + 11 * H) for b in (request, unpaid, paid))
    assert request.settle(NOW + 12 * H) and request.status is BookingStatus.LAPSED
    assert unpaid.settle(NOW + 24 * H) and unpaid.status is BookingStatus.EXPIRED
    assert paid.settle(NOW + 49 * H) and paid.status is BookingStatus.HELD
    assert not paid.settle(NOW + 50 * H)


def test_moving_keeps_the_length_bumps_the_version_and_sets_a_new_deadline():
    unpaid = booking(72 * H, payment_due_at=NOW + 48 * H)
    unpaid.move(NOW + 30 * H, NOW)
    assert unpaid.version == 2
    assert unpaid.length == timedelta(minutes=50)
    assert unpaid.payment_due_at == NOW + 6 * H


def test_moving_or_cancelling_after_the_window_is_refused_plainly():
    soon = booking(23 * H, BookingStatus.PAID)
    with pytest.raises(BookingRefused, match="too_late_to_move"):
        soon.move(NOW + 48 * H, NOW)
    started = booking(-H / 2, BookingStatus.PAID)
    with pytest.raises(BookingRefused, match="already_started"):
        started.cancel(Side.CLIENT, NOW)


def test_a_no_show_is_marked_after_the_start_and_counts_as_held():
    upcoming = booking(H, BookingStatus.PAID)
    assert Action.NO_SHOW not in upcoming.actions_for(THERAPIST, NOW)
    assert Action.NO_SHOW in upcoming.actions_for(THERAPIST, NOW + H)
    assert Action.NO_SHOW not in upcoming.actions_for(CLIENT, NOW + H)
    upcoming.mark_no_show(NOW + H)
    assert upcoming.counts_as_held


def test_each_side_is_offered_only_its_own_actions():
    request = booking(48 * H, BookingStatus.REQUESTED)
    assert request.actions_for(THERAPIST, NOW) == [Action.ACCEPT, Action.DECLINE]
    assert request.actions_for(CLIENT, NOW) == [Action.CANCEL]
    confirmed = booking(48 * H)
    assert confirmed.actions_for(CLIENT, NOW) == [Action.CANCEL, Action.MOVE]
    assert confirmed.actions_for(THERAPIST, NOW) == [Action.CANCEL]
    assert confirmed.actions_for(OTHER, NOW) == []


# -- the use cases --------------------------------------------------------------------


async def test_free_times_respect_the_notice_and_the_therapists_own_shorter_notice():
    clock = ManualClock(NOW)
    default = await free_times(platform(therapist()), clock, therapist(), POLICY)
    assert default[0] == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 11:00 in Kyiv, exactly 25 h ahead
    quick = therapist(min_notice=2 * H)
    short = await free_times(platform(quick), clock, quick, POLICY)
    assert short[0] == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 12:00 Kyiv today
    assert max(default) <= NOW + POLICY.horizon


async def test_a_first_booking_is_a_request_and_a_returning_client_is_confirmed_at_once():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slots = await free_times(uow, clock, therapist(), POLICY)
    first = await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slots[0], policy=POLICY)
    assert first.status is BookingStatus.REQUESTED
    assert first.lapses_at == NOW + 12 * H
    assert uow.conversations.opened == {(CLIENT, THERAPIST)}
    await accept_request(uow, clock, therapist_id=THERAPIST, booking_id=first.id, version=1, policy=POLICY)

    later = next(start for start in slots if start - NOW >= 72 * H)  # far enough for a reminder the day before
    again = await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=later, policy=POLICY)
    assert again.status is BookingStatus.AWAITING_PAYMENT
    assert again.payment_due_at == later - 24 * H
    kinds = sorted(
        (m.kind, m.recipient_id)
        for m in uow.timed_messages.pending()
        if m.kind.startswith("booking.") and m.params["booking_id"] == again.id
    )
    assert kinds == [
        ("booking.confirmed", CLIENT), ("booking.confirmed", THERAPIST),
        ("booking.expired", CLIENT), ("booking.expired", THERAPIST),
        ("booking.payment_reminder", CLIENT), ("booking.payment_reminder", THERAPIST),
    ]


async def test_a_request_keeps_the_therapists_topics_chosen_and_the_note_and_offers_them_again():
    uow, clock = platform(therapist(topics=["anxiety", "grief"])), ManualClock(NOW)
    slots = await free_times(uow, clock, therapist(), POLICY)
    assert await needs_request(uow, client_id=CLIENT, therapist_id=THERAPIST)
    first = await request_booking(
        uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slots[0], policy=POLICY,
        topics=["grief", "burnout", "anxiety"], note="  Since spring I barely sleep.  ",
    )
    # only what this therapist offers, in their order; the note without its blanks
    assert (first.topics, first.note) == (("anxiety", "grief"), "Since spring I barely sleep.")
    assert await earlier_request(uow, client_id=CLIENT, therapist_id=THERAPIST) == (first.topics, first.note)
    with pytest.raises(NoteTooLong) as too_long:
        await request_booking(
            uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slots[1], policy=POLICY,
            topics=["anxiety"], note="x" * (NOTE_LIMIT + 1),
        )
    assert too_long.value.length == NOTE_LIMIT + 1
    await accept_request(uow, clock, therapist_id=THERAPIST, booking_id=first.id, version=1, policy=POLICY)
    assert not await needs_request(uow, client_id=CLIENT, therapist_id=THERAPIST)


def test_a_blank_note_is_no_note_and_topics_toggle():
    assert acceptable_note("   ") is None
    assert acceptable_note("x" * NOTE_LIMIT) == "x" * NOTE_LIMIT
    assert toggled(["anxiety"], "grief") == ["anxiety", "grief"]
    assert toggled(["anxiety", "grief"], "anxiety") == ["grief"]


async def test_a_taken_or_invented_time_is_refused_with_the_next_free_ones():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slots = await free_times(uow, clock, therapist(), POLICY)
    await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slots[0], policy=POLICY)
    with pytest.raises(SlotUnavailable) as taken:
        await request_booking(uow, clock, client_id=OTHER, therapist_id=THERAPIST, starts_at=slots[0], policy=POLICY)
    assert taken.value.next_free[0] == slots[1]
    with pytest.raises(SlotUnavailable):
        await request_booking(
            uow, clock, client_id=OTHER, therapist_id=THERAPIST, starts_at=slots[0] + timedelta(minutes=7), policy=POLICY
        )


async def test_a_lapsed_request_frees_its_slot_before_anyone_is_told():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slot = (await free_times(uow, clock, therapist(), POLICY))[30]
    await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slot, policy=POLICY)
    clock.advance(12 * H)
    again = await request_booking(uow, clock, client_id=OTHER, therapist_id=THERAPIST, starts_at=slot, policy=POLICY)
    assert uow.bookings.rows[1].status is BookingStatus.LAPSED
    assert again.starts_at == slot


async def test_a_hidden_therapist_or_oneself_cannot_be_booked():
    uow, clock = platform(therapist(accepting_clients=False)), ManualClock(NOW)
    with pytest.raises(TherapistUnavailable):
        await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=NOW + 48 * H, policy=POLICY)
    with pytest.raises(BookingRefused, match="own_profile"):
        await request_booking(
            uow, clock, client_id=THERAPIST, therapist_id=THERAPIST, starts_at=NOW + 48 * H, policy=POLICY
        )


async def test_paying_swaps_the_payment_timers_for_session_reminders():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slot = (await free_times(uow, clock, therapist(), POLICY))[10]
    made = await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slot, policy=POLICY)
    await accept_request(uow, clock, therapist_id=THERAPIST, booking_id=made.id, version=1, policy=POLICY)
    paid = await booking_paid(uow, clock, made.id)
    assert (paid.status, paid.paid_minor) == (BookingStatus.PAID, 120_000)
    assert await booking_paid(uow, clock, made.id) == paid  # Telegram repeats itself
    timers = sorted(
        (m.kind, m.recipient_id, m.due_at) for m in uow.timed_messages.pending() if ":timer:" in m.dedup_key
    )
    assert timers == [
        ("booking.come_back", CLIENT, slot + timedelta(minutes=50)),  # the offer of the same time next week
        ("booking.ended", THERAPIST, slot + timedelta(minutes=50)),
        ("booking.session_reminder", CLIENT, slot - 24 * H),
        ("booking.session_reminder", CLIENT, slot - H),
        ("booking.session_reminder", THERAPIST, slot - 24 * H),
        ("booking.session_reminder", THERAPIST, slot - H),
    ]


async def test_an_expired_booking_cannot_be_paid():
    uow, clock = platform(therapist()), ManualClock(NOW)
    uow.bookings.rows[1] = booking(48 * H, payment_due_at=NOW + 24 * H, id=1)
    clock.advance(24 * H)
    with pytest.raises(BookingRefused, match="not_payable"):
        await booking_paid(uow, clock, 1)
    assert uow.bookings.rows[1].status is BookingStatus.EXPIRED


async def test_someone_elses_booking_is_not_found_and_an_old_version_is_stale():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slots = await free_times(uow, clock, therapist(), POLICY)
    uow.bookings.rows[1] = booking(slots[2] - NOW, BookingStatus.PAID, id=1, paid_minor=120_000)
    with pytest.raises(BookingNotFound):
        await cancel_booking(uow, clock, person_id=OTHER, booking_id=1, version=1, expected_free=True)
    await move_booking(uow, clock, client_id=CLIENT, booking_id=1, version=1, new_start=slots[4], policy=POLICY)
    with pytest.raises(BookingChanged):
        await cancel_booking(uow, clock, person_id=CLIENT, booking_id=1, version=1, expected_free=True)
    with pytest.raises(BookingRefused):
        await mark_no_show(uow, clock, therapist_id=THERAPIST, booking_id=1, version=2)


async def test_a_cancellation_whose_terms_changed_since_they_were_shown_is_not_carried_out():
    uow, clock = platform(therapist()), ManualClock(NOW)
    uow.bookings.rows[1] = booking(24 * H + timedelta(minutes=1), BookingStatus.PAID, id=1, paid_minor=120_000)
    clock.advance(timedelta(minutes=2))  # the client read "free", then the window closed
    with pytest.raises(TermsChanged) as changed:
        await cancel_booking(uow, clock, person_id=CLIENT, booking_id=1, version=1, expected_free=True)
    assert not changed.value.terms.free
    assert uow.bookings.rows[1].status is BookingStatus.PAID


async def test_with_no_video_service_a_therapist_with_no_room_is_asked_once_at_the_latest_when_paid():
    uow, clock = platform(therapist()), ManualClock(NOW)
    slots = await free_times(uow, clock, therapist(), POLICY)
    made = await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=slots[10], policy=POLICY)
    await accept_request(uow, clock, therapist_id=THERAPIST, booking_id=made.id, version=1, policy=POLICY)
    asked = [m for m in uow.timed_messages.pending() if m.kind == "meetings.room_wanted"]
    assert asked == []  # confirmed while the platform still gave every session a room

    without_service = replace(POLICY, platform_rooms=False)
    await booking_paid(uow, clock, made.id, policy=without_service)
    asked = [(m.recipient_id, m.dedup_key) for m in uow.timed_messages.pending() if m.kind == "meetings.room_wanted"]
    assert asked == [(THERAPIST, f"meeting:room-wanted:{THERAPIST}")]  # one key per therapist: asked once
