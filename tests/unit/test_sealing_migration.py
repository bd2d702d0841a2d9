"""Upgrading a database of the release before sealing: its plain confidences are sealed in place, nothing else moves.

The database is the previous release's (the schema at revision 0016) with rows written as that release
wrote them (plain text, JSON documents), including the rows that point to the ones a migration rebuilds:
SQLite rebuilds a table to change a column's type, and with foreign keys on that would delete them.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, session_factory
from storage.encryption import KeyRing, MissingDataKeys, new_key, sealed_key
from storage.migrate import downgrade_to, upgrade_to_head
from storage.tables import ApplicationEventRow, ApplicationRow, BookingRow, FsmStateRow, PaymentRow, RefundRow

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOTE = "Since spring I barely sleep; my mother died in March."
REFUND = "I could not come: my child was in hospital."
DECISION = "Approved: a documented emergency."
ANSWERS = {"about": "Я пройшла власну терапію після розлучення", "education": "КНУ, психологія"}
DECLINED = "Немає супервізії"
DRAFT = {"note": "Мені страшно виходити з дому", "topics": ["anxiety"]}
PREVIOUS_RELEASE = "0016"


def _table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(column, kind) for column, kind in columns))


def _plain_rows(connection: Connection) -> None:
    """What the previous release kept, written with its column types: plain text and JSON."""
    at = AT.replace(tzinfo=None) if connection.dialect.name == "sqlite" else AT
    json = sa.JSON()
    users = _table("users", *((c, None) for c in (
        "telegram_id", "first_name", "locale", "timezone", "timezone_chosen", "reachable", "created_at")))
    for person in (1001, 2001):
        connection.execute(users.insert().values(
            telegram_id=person, first_name=f"P{person}", locale="uk", timezone="Europe/Kyiv",
            timezone_chosen=True, reachable=True, created_at=at))
    therapists = _table("therapists", ("topics", json), ("approaches", json), ("languages", json), ("extra", json),
                        *((c, None) for c in (
                            "telegram_id", "full_name", "about", "education", "experience_years", "price_minor",
                            "timezone", "share_code", "verified", "accepting_clients", "hidden", "session_minutes",
                            "gap_minutes", "min_notice_minutes", "hide_during_vacation", "media_opt_in")))
    connection.execute(therapists.insert().values(
        telegram_id=2001, full_name="Iryna", about="", education="", experience_years=5, price_minor=120000,
        timezone="Europe/Kyiv", topics=["anxiety"], approaches=[], languages=["uk"], extra={}, share_code="iryna",
        verified=True, accepting_clients=True, hidden=False, session_minutes=50, gap_minutes=10,
        min_notice_minutes=1500, hide_during_vacation=True, media_opt_in=False))
    bookings = _table("bookings", ("request_topics", json), *((c, None) for c in (
        "id", "client_id", "therapist_id", "starts_at", "ends_at", "price_minor", "status", "version", "created_at",
        "paid_at", "request_note")))
    connection.execute(bookings.insert().values(
        id=1, client_id=1001, therapist_id=2001, starts_at=at, ends_at=at, price_minor=120000, status="held",
        version=3, created_at=at, paid_at=at, request_topics=["anxiety", "grief"], request_note=NOTE))
    payments = _table("payments", *((c, None) for c in (
        "id", "booking_id", "payer_id", "amount_minor", "currency", "telegram_payment_charge_id", "method", "use",
        "recorded_at")))
    connection.execute(payments.insert().values(
        id=1, booking_id=1, payer_id=1001, amount_minor=120000, currency="UAH", telegram_payment_charge_id="tg-1",
        method="provider", use="booking", recorded_at=at))
    refunds = _table("refunds", *((c, None) for c in (
        "id", "payment_id", "booking_id", "amount_minor", "currency", "method", "reason", "status", "created_at",
        "requested_by", "request_text", "decision_note")))
    connection.execute(refunds.insert().values(
        id=1, payment_id=1, booking_id=1, amount_minor=120000, currency="UAH", method="provider", reason="force_majeure",
        status="approved", created_at=at, requested_by=1001, request_text=REFUND, decision_note=DECISION))
    applications = _table("applications", ("first_answers", json), ("second_answers", json),
                          ("interview_times", json), *((c, None) for c in (
                              "id", "applicant_id", "step", "referral_code", "position", "editing", "invitation_no",
                              "decline_reason", "created_at", "updated_at", "version")))
    connection.execute(applications.insert().values(
        id=1, applicant_id=1001, step="declined", referral_code="ref-1", first_answers=ANSWERS, second_answers={},
        interview_times=[], position="", editing=False, invitation_no=0, decline_reason=DECLINED, created_at=at,
        updated_at=at, version=2))
    events = _table("application_events", *((c, None) for c in ("id", "application_id", "actor_id", "action", "note", "at")))
    connection.execute(events.insert().values(id=1, application_id=1, actor_id=900, action="declined", note=DECLINED, at=at))
    states = _table("fsm_states", ("data", json), *((c, None) for c in ("key", "state", "updated_at")))
    connection.execute(states.insert().values(key="fsm:1001:1001", state="Booking:note", data=DRAFT, updated_at=at))


STORED = {
    ("bookings", "request_note"): NOTE,
    ("bookings", "request_topics"): "grief",
    ("refunds", "request_text"): REFUND,
    ("refunds", "decision_note"): DECISION,
    ("applications", "first_answers"): "розлучення",
    ("applications", "decline_reason"): DECLINED,
    ("application_events", "note"): DECLINED,
    ("fsm_states", "data"): "страшно",
}


def _holds(stored: str, text: str) -> bool:
    """Whether the stored text shows `text`, as itself or as a JSON document escapes it."""
    return text in stored or json.dumps(text)[1:-1] in stored


async def _stored(engine: AsyncEngine) -> dict[tuple[str, str], str]:
    """The columns as the database holds them, past any column type."""
    found = {}
    async with engine.connect() as connection:
        for table, column in STORED:
            found[table, column] = str((await connection.execute(sa.text(f"SELECT {column} FROM {table}"))).scalar_one())
    return found


@pytest.fixture
async def previous_release(database_url: str) -> AsyncIterator[str]:
    """The test's database taken back to the previous release's schema, holding that release's plain rows."""
    ring = KeyRing.parse(new_key())
    engine = create_engine(database_url, keys=ring)
    try:
        await downgrade_to(engine, PREVIOUS_RELEASE)
        async with engine.begin() as connection:
            await connection.run_sync(_plain_rows)
    finally:
        await engine.dispose()
    try:
        yield database_url
    finally:
        engine = create_engine(database_url, keys=ring)
        try:
            await upgrade_to_head(engine)  # whatever the test did, the next one finds the schema at the head
        finally:
            await engine.dispose()


async def test_upgrading_seals_every_confidence_in_place_and_the_bot_reads_them_as_before(previous_release):
    ring = KeyRing.parse(new_key())
    engine = create_engine(previous_release, keys=ring)
    try:
        assert all(_holds(value, STORED[place]) for place, value in (await _stored(engine)).items()), "plain before"
        await upgrade_to_head(engine)

        for (table, column), value in (await _stored(engine)).items():
            assert sealed_key(value) == ring.writer, f"{table}.{column} is not sealed"
            assert not _holds(value, STORED[table, column])
        async with session_factory(engine)() as db:
            booking = await db.get(BookingRow, 1)
            refund = await db.get(RefundRow, 1)
            application = await db.get(ApplicationRow, 1)
            event = await db.get(ApplicationEventRow, 1)
            state = await db.get(FsmStateRow, "fsm:1001:1001")
            payment = await db.get(PaymentRow, 1)
        assert booking is not None and refund is not None and application is not None and event is not None
        assert (booking.request_note, booking.request_topics, booking.version) == (NOTE, ["anxiety", "grief"], 3)
        assert (refund.request_text, refund.decision_note, refund.booking_id) == (REFUND, DECISION, 1)
        assert (application.first_answers, application.second_answers, application.decline_reason) == (ANSWERS, {}, DECLINED)
        assert event.note == DECLINED and state is not None and state.data == DRAFT
        assert payment is not None and payment.booking_id == 1, "the rows pointing to a rebuilt table stay as they were"
    finally:
        await engine.dispose()


async def test_downgrading_opens_them_again_for_the_previous_release(previous_release):
    ring = KeyRing.parse(new_key())
    engine = create_engine(previous_release, keys=ring)
    try:
        await upgrade_to_head(engine)
        await downgrade_to(engine, PREVIOUS_RELEASE)

        for (table, column), value in (await _stored(engine)).items():
            assert sealed_key(value) is None and _holds(value, STORED[table, column]), f"{table}.{column}"
        async with engine.connect() as connection:
            topics = (await connection.execute(sa.select(sa.column("request_topics", sa.JSON())).select_from(
                sa.table("bookings")))).scalar_one()
        assert topics == ["anxiety", "grief"]
    finally:
        await engine.dispose()


async def test_a_database_with_plain_confidences_is_not_upgraded_without_keys(previous_release):
    engine = create_engine(previous_release)
    try:
        with pytest.raises(MissingDataKeys):
            await upgrade_to_head(engine)
        assert all(sealed_key(value) is None for value in (await _stored(engine)).values()), "nothing half done"
    finally:
        await engine.dispose()
