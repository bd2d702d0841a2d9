"""Refunds: by the rules when cancelled in time, never when late, and by decision for force majeure or after a session.

Olena (New York, English) is the client, Iryna (Kyiv, Ukrainian) the therapist.
Oksana sits on the ethics commission and Sofia in support (both read English).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import RefundStarPayment

from core.bookings import BookingStatus
from core.staff import StaffRole
from core.usecases.booking import cancel_booking, mark_no_show
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, MAKSYM, OLENA, PETRO, add_therapist, deliver, scene, stored
from tests.bot.payment_support import (
    ETHICS,
    STARS,
    SUPPORT,
    add_staff,
    alerts,
    confirmed_booking,
    pay_for,
    payouts,
    refunds,
    star_refunds,
    texts,
)
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper
settings = payment_support.settings
payment_env = payment_support.payment_env

H = timedelta(hours=1)
CARD = "Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko"


async def cancel_from_the_card(client, *, confirm: str) -> str:
    """Cancel the session from its card; returns the card as it reads after."""
    await client.send("/sessions")
    await client.click(CARD)
    await client.click("✖️ Cancel the session")
    return BotClient.texts_of(await client.click(confirm))[-1]


@pytest.mark.parametrize("payment_env", [STARS])
async def test_cancelled_in_time_the_stars_go_back_at_once_and_the_client_is_told(app, session, make_client):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking, charge_id="stx-paid")

    card = await cancel_from_the_card(olena, confirm="Yes, cancel")
    mark = len(session.calls)
    await deliver(app)

    (call,) = star_refunds(session, mark)
    assert (call.user_id, call.telegram_payment_charge_id) == (OLENA, "stx-paid")
    assert "\nRefund due: 1,800 ⭐ (₴1,200)." in card  # the stars she gets back, and the price they paid
    told = texts(session, OLENA, mark)
    assert "1,800 ⭐ (₴1,200) will be refunded to you in full." in told[0]  # the booking's own cancellation notice
    assert told[1] == (
        "✅ 1,800 ⭐ for the session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) went back to your "
        "Telegram Stars balance."
    )
    (refund,) = await refunds(app)
    assert (refund.reason, refund.status, refund.amount_minor, refund.currency) == ("cancelled_in_time", "carried_out", 1_800, "XTR")
    (payout,) = await payouts(app)
    assert payout.status == "withdrawn"  # nothing is owed for a session refunded before its payout


@pytest.mark.parametrize("payment_env", [STARS])
async def test_a_stars_refund_names_the_stars_and_the_price_in_ukrainian_too(app, session, make_client):
    await scene(app)
    petro = make_client(PETRO, "Petro")
    booking = await confirmed_booking(app, client_id=PETRO)
    await pay_for(app, session, petro, booking, charge_id="stx-petro")

    mark = len(session.calls)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, app.clock, person_id=IRYNA, booking_id=booking.id, version=1, expected_free=True)
    await deliver(app)

    assert "Вам повністю повернуть 1 800 ⭐ (1 200 ₴)." in texts(session, PETRO, mark)[0]
    assert "Клієнт отримає повне повернення: 1 800 ⭐ (1 200 ₴)." in texts(session, IRYNA, mark)[0]


async def test_cancelled_in_time_a_card_refund_waits_for_the_commission_who_mark_it_done(app, session, make_client):
    await scene(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    await add_staff(app, SUPPORT, StaffRole.SUPPORT, "Sofia", locale="en")
    olena = make_client(OLENA, "Olena", language_code="en")
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    sofia = make_client(SUPPORT, "Sofia", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)

    await cancel_from_the_card(olena, confirm="Yes, cancel")
    mark = len(session.calls)
    await deliver(app)
    assert texts(session, OLENA, mark)[1] == (
        "↩️ A refund of ₴1,200 for the session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) is on "
        "its way. The platform returns it the way you paid; it usually takes a few business days. I will write when "
        "it is done."
    )
    desk = (
        "↩️ A refund to carry out by hand: ₴1,200 to Olena (cancelled in time), refund #1. Return it in the payment "
        "provider's dashboard or by transfer, then mark it done here."
    )
    assert texts(session, ETHICS, mark) == [desk] and texts(session, SUPPORT, mark) == [desk]
    assert star_refunds(session) == []

    # support sees the queue, but only the commission acts on it
    listed = await sofia.send("/refunds")
    assert "#1 · cancelled in time · approved, to be carried out\n₴1,200 · Olena → Iryna Kovalenko" in listed[0].text
    card = await sofia.click("Refund #1")
    assert card[-2].buttons == ["‹ All refunds"]
    forged = await sofia.press("rfx:1:done")
    assert alerts(forged) == ["Your role doesn't include this. A full administrator can give you the role if you need it."]

    await oksana.send("/refunds")
    await oksana.click("Refund #1")
    await oksana.click("✅ Mark as refunded")
    mark = len(session.calls)
    done = await oksana.send("Provider refund RF-88123")
    assert done[0].text == "Marked as refunded. The client is told."
    await deliver(app)
    assert texts(session, OLENA, mark) == [
        "✅ ₴1,200 for the session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) has been refunded "
        "to you.\nThe platform's note: Provider refund RF-88123"
    ]
    (refund,) = await refunds(app)
    assert (refund.status, refund.carried_out_by, refund.carry_out_note) == ("carried_out", ETHICS, "Provider refund RF-88123")
    assert (await oksana.click("‹ All refunds"))[-2].text == "↩️ No refunds are waiting."


@pytest.mark.parametrize("payment_env", [STARS])
async def test_late_cancellation_is_not_refunded_but_force_majeure_goes_to_the_therapist_then_the_commission(
    app, session, make_client, clock
):
    await scene(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    olena = make_client(OLENA, "Olena", language_code="en")
    iryna = make_client(IRYNA, "Iryna")
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking, charge_id="stx-late")

    clock.set(booking.starts_at - 10 * H)
    await cancel_from_the_card(olena, confirm="Cancel anyway")
    mark = len(session.calls)
    await deliver(app)
    assert (await stored(app, booking.id)).status is BookingStatus.CANCELLED_LATE
    assert await refunds(app) == [] and star_refunds(session) == []
    told = texts(session, OLENA, mark)
    assert "The payment is not refunded." in told[0]
    assert told[1].startswith("If you had to cancel because of something beyond your control")

    # the client asks, in her own words; a sticker is not a reason
    await olena.click("🆘 Ask for a refund")
    sticker = await olena.send_sticker()
    assert sticker[0].text == "Please write the reason as text, or press Cancel."
    sent = await olena.send("My father was taken to hospital this morning.")
    assert sent[0].text == "Sent. Your therapist is asked first; then the platform decides and tells you both."
    mark = len(session.calls)
    await deliver(app)
    (question,) = texts(session, IRYNA, mark)
    assert question.startswith("🆘 Olena просить повернути оплату за сесію чт, 26 листопада, 12:00 (Київ, UTC+2)")
    assert "«My father was taken to hospital this morning.»" in question
    assert texts(session, ETHICS, mark) == []  # the therapist is heard first

    await iryna.click("✅ Погоджуюся")
    again = await iryna.press("rft:1:0")  # a second answer changes nothing
    assert alerts(again) == ["Ви вже відповіли на цей запит."]
    mark = len(session.calls)
    await deliver(app)
    (to_decide,) = texts(session, ETHICS, mark)
    assert to_decide.startswith("⚖️ A refund request to decide (force majeure): Olena, the session with Iryna Kovalenko")

    await oksana.click("Open the refund")
    card = oksana.replies()[-1].text
    assert "The client's reason:\n«My father was taken to hospital this morning.»" in card
    assert "The therapist agrees to the refund." in card
    await oksana.click("✅ Approve")
    mark = len(session.calls)
    await oksana.send("A hospital emergency; the therapist agrees.")
    await deliver(app)

    assert texts(session, OLENA, mark)[0] == (
        "⚖️ Your refund request for the session on Thu 26 November, 05:00 (New York, UTC-5) is approved: 1,800 ⭐ will be "
        "returned to you. The platform's reason: «A hospital emergency; the therapist agrees.»"
    )
    assert texts(session, IRYNA, mark) == [
        "⚖️ Olena: повернення за сесію чт, 26 листопада, 12:00 (Київ, UTC+2) схвалено, клієнту повернуть 1 800 ⭐. "
        "Причина від платформи: «A hospital emergency; the therapist agrees.»"
    ]
    (call,) = star_refunds(session, mark)
    assert call.telegram_payment_charge_id == "stx-late"
    (refund,) = await refunds(app)
    assert (refund.reason, refund.status, refund.therapist_agrees, refund.decided_by) == (
        "force_majeure", "carried_out", True, ETHICS
    )


async def test_after_a_session_the_commission_sees_its_system_messages_and_decides(app, session, make_client, clock):
    await scene(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    await add_staff(app, SUPPORT, StaffRole.SUPPORT, "Sofia", locale="en")
    olena = make_client(OLENA, "Olena", language_code="en")
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)
    for moment in (booking.starts_at - 24 * H, booking.starts_at - H, booking.ends_at + 2 * H):
        clock.set(moment)
        await deliver(app)  # the reminders, then the end

    await olena.send("/sessions")
    await olena.click(CARD)
    await olena.click("↩️ Ask for a refund")
    await olena.send("The therapist was 40 minutes late and the session was cut short.")
    mark = len(session.calls)
    await deliver(app)
    for staff in (ETHICS, SUPPORT):
        assert texts(session, staff, mark)[0].startswith(
            "⚖️ A refund request to decide (asked after the session): Olena, the session with Iryna Kovalenko on "
            "Thu 26 November, 12:00 (Kyiv, UTC+2), ₴1,200."
        )

    await oksana.click("Open the refund")
    card = oksana.replies()[-1].text
    assert "«The therapist was 40 minutes late and the session was cut short.»" in card
    messages = card.split("The booking's system messages:\n")[1].splitlines()
    assert messages[0].endswith("— confirmed → client")
    assert "— invoice → client" in card
    assert "— «Оплата пройшла успішно» → therapist" in card
    assert "— session reminder → client" in card
    assert "— session ended → therapist" in card
    await oksana.click("✖️ Decline")
    mark = len(session.calls)
    await oksana.send("The session log shows it started on time.")
    await deliver(app)
    assert texts(session, OLENA, mark) == [
        "⚖️ Your refund request for the session on Thu 26 November, 05:00 (New York, UTC-5) is declined. The platform's "
        "reason: «The session log shows it started on time.»\nIf you want to talk it over, write to /support."
    ]
    assert texts(session, IRYNA, mark)[0].startswith("⚖️ Olena: у поверненні за сесію")
    (refund,) = await refunds(app)
    assert (refund.reason, refund.status) == ("after_session", "declined")
    (payout,) = await payouts(app)
    assert payout.status == "due"
    again = await olena.click("↩️ Ask for a refund")
    assert alerts(again) == ["A refund for this session was already decided. If you want to talk it over, write to /support."]


async def test_refund_buttons_of_someone_elses_session_do_nothing(app, session, make_client, clock):
    await scene(app)
    await add_therapist(app, MAKSYM, "Maksym Bondar")
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)
    clock.set(booking.starts_at + H / 2)
    async with app.unit_of_work() as uow:
        await mark_no_show(uow, clock, therapist_id=IRYNA, booking_id=booking.id, version=1)

    not_hers = await make_client(PETRO, "Petro").press(f"rfa:{booking.id}")
    assert alerts(not_hers) == ["Серед ваших сесій такої немає."]
    await olena.press(f"rfa:{booking.id}")
    await olena.send("I was in an accident on the way.")
    await deliver(app)
    (refund,) = await refunds(app)
    assert refund.status == "awaiting_therapist"
    other_therapist = await make_client(MAKSYM, "Maksym").press(f"rft:{refund.id}:1")
    assert alerts(other_therapist) == ["Серед запитів ваших клієнтів такого немає."]
    twice = await olena.press(f"rfa:{booking.id}")
    assert alerts(twice) == ["A refund for this session has already been asked for or made. You will hear the outcome here."]
    assert (await refunds(app))[0].status == "awaiting_therapist"


@pytest.mark.parametrize("payment_env", [STARS])
async def test_a_stars_refund_telegram_refused_goes_to_the_commission_who_send_it_again(app, session, make_client):
    await scene(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    olena = make_client(OLENA, "Olena", language_code="en")
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking, charge_id="stx-1")
    session.fail_next(RefundStarPayment, lambda method: TelegramBadRequest(method=method, message="Bad Request: BALANCE_TOO_LOW"))

    mark = len(session.calls)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, app.clock, person_id=IRYNA, booking_id=booking.id, version=1, expected_free=True)
    await deliver(app)
    (refund,) = await refunds(app)
    assert (refund.status, refund.failure) == ("approved", "TelegramBadRequest: Bad Request: BALANCE_TOO_LOW")
    (alert,) = texts(session, ETHICS, mark)
    assert alert == "⚠️ The automatic Stars refund #1 of 1,800 ⭐ to Olena failed. Open it to send the stars back again."

    await oksana.click("Open the refund")
    mark = len(session.calls)
    sent = await oksana.click("↩️ Send the Stars back now")
    assert alerts(sent) == ["The stars are back with the client, who is told."]
    (call,) = star_refunds(session, mark)
    assert (call.user_id, call.telegram_payment_charge_id) == (OLENA, "stx-1")
    await deliver(app)
    assert texts(session, OLENA, mark)[-1].endswith("went back to your Telegram Stars balance.")
    (refund,) = await refunds(app)
    assert (refund.status, refund.carried_out_by, refund.failure) == ("carried_out", ETHICS, None)
