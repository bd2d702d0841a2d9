"""/audit: staff actions on people's data and money, newest first, paged, by person, in the reader's time zone."""
from __future__ import annotations

from datetime import timedelta

from core.usecases.audit import record
from core.usecases.users import choose_timezone
from tests.bot import staff_support
from tests.bot.staff_support import CLIENT, OTHER_CLIENT, add_person
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper


async def admin_in(app, make_client, zone: str) -> BotClient:
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/start")
    async with app.unit_of_work() as uow:
        person = await uow.users.get(ADMIN_ID)
        await choose_timezone(uow, person, zone)
    return admin


async def note(app, action: str, subject: int | None, **details: object) -> None:
    async with app.unit_of_work() as uow:
        await record(uow, app.clock, ADMIN_ID, action, subject, **details)
        await uow.commit()


async def test_entries_read_as_sentences_in_the_readers_zone_newest_first(app, make_client, clock):
    admin = await admin_in(app, make_client, "America/New_York")
    await add_person(app, CLIENT, "Olena")
    await note(app, "staff.role_granted", CLIENT, role="support")
    clock.advance(timedelta(hours=2))
    await note(app, "support.ticket_closed", CLIENT, ticket=4)
    await note(app, "payments.refund_decided", CLIENT, refund=12, approved=True)

    replies = await admin.send("/audit")

    assert replies[0].text == (
        "📜 Журнал дій, сторінка 1 з 1. Час: Нью-Йорк, UTC-5.\n"
        f"\nВт, 24 лист., 05:00 · Admin ({ADMIN_ID}): схвалено повернення #12 — Olena ({CLIENT})\n"
        f"\nВт, 24 лист., 05:00 · Admin ({ADMIN_ID}): закрито звернення #4 — Olena ({CLIENT})\n"
        f"\nВт, 24 лист., 03:00 · Admin ({ADMIN_ID}): надано роль «підтримка» — Olena ({CLIENT})"
    )
    assert replies[0].buttons == []


async def test_pages_turn_and_a_person_can_be_picked_out(app, make_client):
    admin = await admin_in(app, make_client, "Europe/Kyiv")
    await add_person(app, CLIENT, "Olena")
    await add_person(app, OTHER_CLIENT, "Petro")
    for ticket in range(1, 12):
        await note(app, "support.ticket_closed", CLIENT, ticket=ticket)
    await note(app, "privacy.data_exported", OTHER_CLIENT)

    first = await admin.send("/audit")
    second = await admin.click("Старіші ▶️")
    back = await admin.click("◀️ Новіші")
    petro = await admin.send(f"/audit {OTHER_CLIENT}")
    wrong = await admin.send("/audit Petro")

    assert first[0].text.startswith("📜 Журнал дій, сторінка 1 з 2.")
    assert first[0].text.count("\n\n") == 10
    assert first[0].buttons == ["Старіші ▶️"]
    page_two = BotClient.texts_of(second)[0]
    assert page_two.startswith("📜 Журнал дій, сторінка 2 з 2.")
    assert page_two.endswith(f"закрито звернення #1 — Olena ({CLIENT})")
    assert BotClient.texts_of(back)[0] == first[0].text
    assert petro[0].text == (
        f"📜 Журнал дій — Petro ({OTHER_CLIENT}). Сторінка 1 з 1. Час: Київ, UTC+2.\n"
        f"\nВт, 24 лист., 10:00 · Admin ({ADMIN_ID}): завантажено дані, які зберігає платформа, — Petro ({OTHER_CLIENT})"
    )
    assert wrong[0].text.startswith("Як користуватися: /audit — увесь журнал")


async def test_an_empty_log_says_so_and_a_deleted_person_shows_as_their_id(app, make_client):
    admin = await admin_in(app, make_client, "Europe/Kyiv")
    empty = await admin.send("/audit")
    await note(app, "privacy.data_erased", 4242)
    after = await admin.send("/audit")

    assert empty[0].text.endswith("Поки нічого не записано.")
    assert after[0].text.endswith(f"Admin ({ADMIN_ID}): видалено дані — #4242")


async def test_the_log_reads_in_english_for_an_english_speaking_admin(app, make_client):
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/start")
    await note(app, "staff.role_revoked", ADMIN_ID, role="finance")

    replies = await admin.send("/audit")

    assert replies[0].text.endswith(f"Admin ({ADMIN_ID}): took the role «finance» from Admin ({ADMIN_ID})")


async def test_every_topic_s_action_reads_in_words_never_as_its_code(app, make_client, clock):
    admin = await admin_in(app, make_client, "Europe/Kyiv")
    await add_person(app, CLIENT, "Olena")
    await note(app, "vetting.declined", CLIENT, application=2)
    clock.advance(timedelta(minutes=1))
    await note(app, "broadcasts.sent", None, broadcast=3, segment="clients", recipients=21)
    clock.advance(timedelta(minutes=1))
    await note(app, "payments.payout_paid", CLIENT, payout=5)

    (reply,) = await admin.send("/audit")

    lines = reply.text.split("\n\n")[1:]
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"виплату #5 позначено як здійснену — Olena ({CLIENT})",
        "надіслано розсилку #3: 21 отримувач",
        f"відхилено заявку #2 — Olena ({CLIENT})",
    ]
    assert "." not in reply.text.split("\n", 1)[1].replace("лист.", "").replace("груд.", "")
