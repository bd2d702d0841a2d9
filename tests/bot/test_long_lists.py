"""Admin lists that can outgrow Telegram's 100 buttons a message are paged: /pending_payments, /refunds, /payouts,
/profile_changes.

A page turn carries the list's version: pressed after the list changed, or forged, it is answered
with the list as it stands now, and a word saying so.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from aiogram.methods import EditMessageText

from bot.keyboards.paging import PENDING_PAYMENTS, PROFILE_CHANGES, REFUNDS, ListPage
from core.profile_changes import ProfileField
from core.staff import StaffRole
from core.usecases.booking import accept_request, cancel_booking, request_booking
from core.usecases.profile_changes import propose
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, add_person, add_therapist, scene, utc
from tests.bot.payment_support import ETHICS, FINANCE, PROVIDER, add_staff, confirmed_booking, pay_for
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient, Reply

app, sleeper = booking_support.app, booking_support.sleeper
settings, payment_env = payment_support.settings, payment_support.payment_env

MANUAL: dict[str, object] = {"manual_payment_instructions": "IBAN UA21 3223 1300 0002 6007 2335 6600 1"}
STALE = "This list has changed since; here it is as it stands now."


def free_hours(count: int) -> Iterator[datetime]:
    """Iryna's hours (weekdays 10:00–18:00 in Kyiv, UTC+2 until March), from Thursday 26 November on."""
    day = utc(2026, 11, 26, 8)
    while True:
        if day.weekday() < 5:
            for hour in range(8):
                if count == 0:
                    return
                count -= 1
                yield day + timedelta(hours=hour)
        day += timedelta(days=1)


async def new_clients(app, count: int) -> list[int]:
    """Newcomers each: a returning client's booking would skip the therapist's acceptance."""
    ids = [5000 + number for number in range(count)]
    for client_id in ids:
        await add_person(app, client_id, f"Client {client_id}", locale="en", zone="Europe/Kyiv")
    return ids


def button_rows(reply: Reply) -> list[list[str]]:
    return [[button.text for button in row] for row in reply.markup.inline_keyboard]


def shown(replies: list[Reply]) -> Reply:
    """The list as the turn left it (the message edited in place)."""
    (edited,) = [reply for reply in replies if isinstance(reply.method, EditMessageText)]
    return edited


def listed(reply: Reply) -> list[str]:
    return [line.split(" · ")[0] for line in (reply.text or "").splitlines() if line.startswith("#")]


@pytest.mark.parametrize("payment_env", [MANUAL])
async def test_pending_payments_are_paged_and_a_stale_or_forged_page_is_answered(app, make_client):
    await scene(app)
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    clients = await new_clients(app, 23)
    ids = [(await confirmed_booking(app, client, starts_at=at)).id for client, at in zip(clients, free_hours(23), strict=True)]

    first = (await marta.send("/pending_payments"))[0]
    assert listed(first) == [f"#{number}" for number in ids[:10]]
    assert button_rows(first)[-1] == ["1 of 3", "Next ▶️"]
    assert sum(len(row) for row in button_rows(first)) == 12

    turned = await marta.click("Next ▶️", in_reply=first)
    second = shown(turned)
    assert BotClient.alerts(turned) == []
    assert listed(second) == [f"#{number}" for number in ids[10:20]]
    assert button_rows(second)[-1] == ["◀️ Back", "2 of 3", "Next ▶️"]

    # Finance confirms a transfer meanwhile: the pages move, and an old page button says so.
    await marta.send(f"/confirm_payment {ids[0]} PR-1")
    stale = await marta.click("Next ▶️", in_reply=second)
    assert BotClient.alerts(stale) == [STALE]
    now = shown(stale)
    assert listed(now) == [f"#{number}" for number in ids[21:]]  # page 3 of 22: the last two
    assert button_rows(now)[-1] == ["◀️ Back", "3 of 3"]

    forged = await marta.press(ListPage(list=PENDING_PAYMENTS, page=999, version="zzzz").pack(), source=first)
    assert BotClient.alerts(forged) == [STALE]
    assert listed(shown(forged)) == [f"#{number}" for number in ids[21:]]
    backwards = await marta.press(ListPage(list=PENDING_PAYMENTS, page=-1, version="0").pack(), source=first)
    assert BotClient.alerts(backwards) == [STALE]
    assert listed(shown(backwards)) == [f"#{number}" for number in ids[1:11]]

    outsider = await make_client(OLENA, "Olena", language_code="en").press(
        ListPage(list=PENDING_PAYMENTS, page=0, version="0").pack()
    )
    assert BotClient.alerts(outsider) == ["This is for the platform's staff."]


@pytest.mark.parametrize("payment_env", [PROVIDER])
async def test_the_refund_queue_is_paged_and_a_refund_that_moved_on_makes_a_page_stale(app, session, make_client):
    await scene(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    refunded = []
    clients = await new_clients(app, 12)
    for number, (client, at) in enumerate(zip(clients, free_hours(12), strict=True)):
        booking = await confirmed_booking(app, client, starts_at=at)
        await pay_for(app, session, make_client(client, "Client", language_code="en"), booking, charge_id=f"tg-{number}")
        async with app.unit_of_work() as uow:
            await cancel_booking(uow, app.clock, person_id=IRYNA, booking_id=booking.id, version=booking.version, expected_free=True)
        refunded.append(number + 1)

    first = (await oksana.send("/refunds"))[0]
    assert button_rows(first)[-1] == ["1 of 2", "Next ▶️"]
    assert [text for row in button_rows(first)[:-1] for text in row] == [f"Refund #{n}" for n in refunded[:10]]
    second = shown(await oksana.click("Next ▶️", in_reply=first))
    assert [text for row in button_rows(second)[:-1] for text in row] == ["Refund #11", "Refund #12"]

    # Refund #12 is carried out meanwhile: the list is shorter, the second page's buttons are stale.
    await oksana.click("Refund #12", in_reply=second)
    await oksana.click("✅ Mark as refunded")
    await oksana.send("Provider refund RF-12")
    stale = await oksana.click("◀️ Back", in_reply=second)
    assert BotClient.alerts(stale) == [STALE]
    forged = await oksana.press(ListPage(list=REFUNDS, page=1, version="00000000").pack(), source=second)
    assert BotClient.alerts(forged) == [STALE]
    last = shown(forged)
    assert [text for row in button_rows(last)[:-1] for text in row] == ["Refund #11"]


@pytest.mark.parametrize("payment_env", [PROVIDER])
async def test_the_payout_board_is_paged_by_therapist_and_a_payout_made_makes_a_page_stale(app, session, make_client):
    await add_staff(app, FINANCE, StaffRole.FINANCE, "Marta", locale="en")
    marta = make_client(FINANCE, "Marta", language_code="en")
    clients = await new_clients(app, 6)
    policy = app.settings.booking_policy()
    for number, client in enumerate(clients):
        therapist = 7000 + number
        await add_therapist(app, therapist, f"Therapist {number + 1}", share_code=f"therapist{number + 1}")
        async with app.unit_of_work() as uow:
            requested = await request_booking(
                uow, app.clock, client_id=client, therapist_id=therapist, starts_at=utc(2026, 11, 26, 10), policy=policy
            )
        async with app.unit_of_work() as uow:
            booking = await accept_request(
                uow, app.clock, therapist_id=therapist, booking_id=requested.id, version=requested.version, policy=policy
            )
        await pay_for(app, session, make_client(client, "Client", language_code="en"), booking, charge_id=f"tg-{number}")

    first = (await marta.send("/payouts"))[0]
    assert button_rows(first)[-1] == ["1 of 2", "Next ▶️"]
    assert len(button_rows(first)) == 6  # five therapists' payouts, then the turns
    second = shown(await marta.click("Next ▶️", in_reply=first))
    assert "Therapist 6" in (second.text or "") and "Therapist 1:" not in (second.text or "")
    assert button_rows(second)[-1] == ["◀️ Back", "2 of 2"]

    payout_button = button_rows(first)[0][0]
    await marta.click(payout_button, in_reply=first)
    await marta.send("TR-1")
    stale = await marta.click("◀️ Back", in_reply=second)
    assert BotClient.alerts(stale) == [STALE]
    now = button_rows(shown(stale))
    assert len(now) == 5 and payout_button not in [text for row in now for text in row]  # one page: no turns


async def test_profile_changes_waiting_are_paged_not_cut_at_fifty(app, make_client):
    about = (
        "Я працюю з дорослими, яких виснажила тривога, і з тими, хто переживає втрату. Разом ми шукаємо опору, "
        "повертаємо сон і вчимося помічати свої потреби — без поспіху й оцінок."
    )
    for number in range(21):
        therapist = 7100 + number
        await add_therapist(app, therapist, f"Therapist {number + 1}", share_code=f"t{number + 1}")
        async with app.unit_of_work() as uow:
            await propose(
                uow, app.clock, therapist_id=therapist, field=ProfileField.ABOUT, value=about, full_admins=frozenset()
            )
    boss = make_client(ADMIN_ID, "Admin")
    await boss.send("/start")

    first = (await boss.send("/profile_changes"))[0]
    assert first.text.startswith("✏️ Зміни профілів, що чекають схвалення: 21.")
    assert len(button_rows(first)) == 21 and button_rows(first)[-1] == ["1 з 2", "Далі ▶️"]
    second = shown(await boss.click("Далі ▶️", in_reply=first))
    assert button_rows(second) == [["Therapist 21 · Про себе"], ["◀️ Назад", "2 з 2"]]
    forged = await boss.press(ListPage(list=PROFILE_CHANGES, page=1, version="00000000").pack(), source=second)
    assert BotClient.alerts(forged) == ["Цей список відтоді змінився; ось який він зараз."]
