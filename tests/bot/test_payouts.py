"""Payouts: what falls due when a session is paid, what finance marks paid, what comes back, what a therapist sees.

Payments on Tuesday 24 November 2026 fall due on Friday 27 Nov (3 business days).
Marta is in finance, Oksana on the ethics commission, Sofia in support (all read English).
"""
from __future__ import annotations

from datetime import date

from core.staff import StaffGrant, StaffRole
from core.usecases.booking import cancel_booking
from core.usecases.payouts import mark_payout_paid
from core.usecases.staff import authority_of
from storage.tables import ClawbackRow
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, add_therapist, deliver, stored, utc
from tests.bot.booking_support import add_person as add_client
from tests.bot.payment_support import (
    ETHICS,
    FINANCE,
    SUPPORT,
    THURSDAY_NOON_KYIV,
    add_staff,
    alerts,
    confirmed_booking,
    pay_for,
    payouts,
    rows,
    texts,
)
from tests.conftest import START

app = booking_support.app
sleeper = booking_support.sleeper
settings = payment_support.settings
payment_env = payment_support.payment_env

FRIDAY_NOON_KYIV = utc(2026, 11, 27, 10)


async def two_paid_sessions(app, session, make_client, *, therapist_locale: str = "uk"):
    """Olena (English) on Thursday and Petro (Ukrainian) on Friday, both paid on Tuesday."""
    await add_therapist(app, locale=therapist_locale)
    await add_client(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_client(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    olena, petro = make_client(OLENA, "Olena", language_code="en"), make_client(PETRO, "Petro")
    first = await confirmed_booking(app, OLENA, THURSDAY_NOON_KYIV)
    second = await confirmed_booking(app, PETRO, FRIDAY_NOON_KYIV)
    await pay_for(app, session, olena, first, charge_id="tg-olena")
    await pay_for(app, session, petro, second, charge_id="tg-petro")
    return first, second


async def test_a_paid_session_owes_the_therapist_and_both_sides_read_the_phrase_in_their_language(app, session, make_client):
    await add_therapist(app, locale="en")  # Iryna reads English here
    await add_client(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    petro = make_client(PETRO, "Petro")
    booking = await confirmed_booking(app, PETRO, FRIDAY_NOON_KYIV)
    await deliver(app)
    mark = len(session.calls)
    await pay_for(app, session, petro, booking)

    # the phrase alone, and the session's room right after it, each in the reader's language
    room = f"https://meet.jit.si/{(await stored(app, booking.id)).meeting_room}"
    assert texts(session, PETRO, mark) == ["Оплата пройшла успішно", f"🎥 Відеокімната сесії: {room}"]
    assert texts(session, IRYNA, mark) == [
        "Оплата пройшла успішно\nPayment received — please hold the time for your client.",
        f"Petro: the session on Fri 27 November, 12:00 (Kyiv, UTC+2).\n🎥 The session's video room: {room}",
    ]
    (payout,) = await payouts(app)
    assert (payout.amount_minor, payout.due_on, payout.status) == (96_000, date(2026, 11, 27), "due")


async def test_finance_sees_due_and_overdue_payouts_and_marks_one_paid_with_a_reference(app, session, make_client, clock):
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    await two_paid_sessions(app, session, make_client)

    board = await marta.send("/payouts")
    assert board[0].text == (
        "💰 Payouts due (today is Tue 24 November in Kyiv)\n\n"
        "Iryna Kovalenko: ₴1,920 due, ₴0 of it overdue\n"
        "• ₴960 by Fri 27 November · payout #1 · Olena\n"
        "• ₴960 by Fri 27 November · payout #2 · Petro\n\n"
        "Press a payout once the money is sent, and type the transfer's reference."
    )
    clock.set(utc(2026, 11, 30, 8))  # Monday: both are overdue
    await deliver(app)  # what the sessions said meanwhile
    board = await marta.send("/payouts")
    assert "Iryna Kovalenko: ₴1,920 due, ₴1,920 of it overdue\n⚠️ ₴960 by Fri 27 November · payout #1 · Olena" in board[0].text

    await marta.click("✅ Paid: Iryna Kovalenko · ₴960 · #1")
    sticker = await marta.send_sticker()
    assert sticker[0].text == "Please type it as text, or press Cancel."
    mark = len(session.calls)
    done = await marta.send("SEPA TR-2026-1130-01")
    assert done[0].text == "Payout #1 of ₴960 is marked paid. The therapist is told."
    await deliver(app)
    assert texts(session, IRYNA, mark) == [
        "💰 Виплату надіслано: 960 ₴ за сесію чт, 26 листопада, 12:00 (Київ, UTC+2) (Olena). Референс: SEPA TR-2026-1130-01."
    ]
    first, second = await payouts(app)
    assert (first.status, first.reference, first.paid_by) == ("paid", "SEPA TR-2026-1130-01", FINANCE)
    assert second.status == "due"

    again = await marta.press("pom:1")
    assert alerts(again) == ["This payout is no longer due (it was paid or withdrawn)."]
    board = await marta.send("/payouts")
    assert "payout #1" not in board[0].text and "payout #2" in board[0].text


async def test_only_finance_acts_on_payouts(app, session, make_client):
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    await two_paid_sessions(app, session, make_client)
    oksana = make_client(ETHICS, "Oksana", language_code="en")

    assert (await make_client(OLENA, "Olena", language_code="en").send("/payouts"))[0].text == "This is for the platform's staff."
    refused = "Your role doesn't include this. A full administrator can give you the role if you need it."
    assert (await oksana.send("/payouts"))[0].text == refused
    assert alerts(await oksana.press("pom:1")) == [refused]
    assert (await oksana.send("/confirm_payment 1 X"))[0].text == refused
    assert [payout.status for payout in await payouts(app)] == ["due", "due"]


async def test_a_note_begun_before_the_role_was_taken_away_changes_nothing(app, session, make_client):
    """The money notes' door lets any staff in; the use case checks the role again when the note arrives."""
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    await two_paid_sessions(app, session, make_client)
    await marta.send("/payouts")
    await marta.click("✅ Paid: Iryna Kovalenko · ₴960 · #1")
    async with app.unit_of_work() as uow:  # meanwhile an admin moves Marta from finance to support
        await uow.staff.remove(FINANCE, StaffRole.FINANCE)
        await uow.staff.add(StaffGrant(FINANCE, StaffRole.SUPPORT, 900, START))
        await uow.commit()

    refused = await marta.send("SEPA TR-2026-1130-01")

    assert [reply.text for reply in refused] == [
        "Your role doesn't include this. A full administrator can give you the role if you need it."
    ]
    assert [payout.status for payout in await payouts(app)] == ["due", "due"]
    after = await marta.send("SEPA TR-2026-1130-01")  # the step is over: the reference is not taken again
    assert [reply.text for reply in after] == ["I didn't understand that. Please use the menu below, or /help."]
    assert [payout.status for payout in await payouts(app)] == ["due", "due"]


async def test_a_session_refunded_after_its_payout_is_clawed_back_and_support_is_prompted(app, session, make_client, clock):
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    await add_staff(app, SUPPORT, StaffRole.SUPPORT, "Sofia", locale="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    first, _second = await two_paid_sessions(app, session, make_client)
    async with app.unit_of_work() as uow:
        finance = await authority_of(uow, FINANCE, frozenset())
    async with app.unit_of_work() as uow:
        await mark_payout_paid(uow, clock, actor=finance, payout_id=1, reference="TR-1")

    mark = len(session.calls)
    async with app.unit_of_work() as uow:  # the therapist has to cancel, 25 hours ahead: free for the client
        await cancel_booking(uow, clock, person_id=IRYNA, booking_id=first.id, version=1, expected_free=True)
    await deliver(app)

    (clawback,) = await rows(app, ClawbackRow)
    assert (clawback.therapist_id, clawback.amount_minor, clawback.status) == (IRYNA, 96_000, "open")
    assert texts(session, SUPPORT, mark)[-1] == (
        "💸 Iryna Kovalenko was already paid ₴960 for the session on Thu 26 November, 12:00 (Kyiv, UTC+2), which has now "
        "been refunded to the client. Please contact the therapist to settle it (clawback #1); finance closes it in /payouts."
    )
    board = await marta.send("/payouts")
    assert "↩️ to get back: ₴960 (clawback #1, a refunded session)" in board[0].text
    await marta.click("✅ Settled: clawback #1 · Iryna Kovalenko")
    done = await marta.send("Set off against the next payout")
    assert done[0].text == "Clawback #1 is settled."
    (clawback,) = await rows(app, ClawbackRow)
    assert (clawback.status, clawback.note, clawback.settled_by) == ("settled", "Set off against the next payout", FINANCE)


async def test_a_therapist_sees_this_months_earnings_in_their_language(app, session, make_client, clock):
    await two_paid_sessions(app, session, make_client)
    async with app.unit_of_work() as uow:
        await mark_payout_paid(uow, clock, actor=await authority_of(uow, 900, frozenset({900})), payout_id=1, reference="TR-1")
    clock.set(utc(2026, 11, 26, 18))  # Thursday evening: Olena's session is held, Petro's is tomorrow
    iryna = make_client(IRYNA, "Iryna")

    shown = await iryna.send("💰 Заробіток")
    assert shown[0].text == (
        "💰 Ваш заробіток цього місяця (від нд, 1 листопада)\n\n"
        "Суми — ваша частка: ціна сесії без комісії платформи (20%).\n\n"
        "Проведено сесій цього місяця: 1, 960 ₴.\n\n"
        "Очікується: попереду оплачених сесій — 1, 960 ₴.\n\n"
        "Виплачено вам цього місяця: 960 ₴.\n\n"
        "Вам належить (протягом 3 робочих днів після кожної оплати):\n• 960 ₴ до пт, 27 листопада"
    )
    async with app.unit_of_work() as uow:
        person = await uow.users.get(IRYNA)
        assert person is not None
        person.locale = "en"
        await uow.users.save(person)
        await uow.commit()
    shown = await iryna.send("/earnings")
    assert shown[0].text.startswith("💰 Your earnings this month (since Sun 1 November)\n\nAmounts are your share")
    assert "Due to you (within 3 business days of each payment):\n• ₴960 by Fri 27 November" in shown[0].text

    not_a_therapist = await make_client(OLENA, "Olena", language_code="en").send("/earnings")
    assert not_a_therapist[0].text == "Earnings are for therapists of the platform."
