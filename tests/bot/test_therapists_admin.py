"""/therapists: staff find a therapist, see the profile as clients do and where it stands, pause, hide and
show it, and publish the therapist's pending profile changes; the therapist hears of each, the audit log
keeps each."""
from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from core.profile_changes import ProfileField
from core.staff import StaffRole
from core.usecases.profile_changes import propose
from storage.tables import AuditRow, TherapistRow
from tests.bot import staff_support
from tests.bot.booking_support import add_therapist
from tests.bot.staff_support import (
    CLIENT,
    REFUSED_TO_OUTSIDERS,
    REFUSED_TO_STAFF,
    STAFFER,
    add_person,
    answers_in,
    give,
    texts_to,
)
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient

app, sleeper = staff_support.app, staff_support.sleeper

IRYNA, MAKSYM, NADIA = 2001, 2002, 2003


async def three_therapists(app) -> None:
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    await add_therapist(app, MAKSYM, "Maksym Bondar", accepting_clients=False)
    await add_therapist(app, NADIA, "Надія Коваль", verified=False)


async def row(app, therapist_id: int) -> TherapistRow:
    async with app.sessions() as db:
        return await db.get(TherapistRow, therapist_id)


async def audit_actions(app) -> list[tuple[int, str, int | None]]:
    async with app.sessions() as db:
        rows = (await db.scalars(select(AuditRow).order_by(AuditRow.id))).all()
    return [(r.actor_id, r.action, r.subject_id) for r in rows]


def edited(replies):
    return next(reply for reply in replies if isinstance(reply.method, EditMessageText))


async def test_the_list_shows_everyone_by_name_with_their_state(app, make_client):
    await three_therapists(app)

    replies = await make_client(ADMIN_ID, "Admin", language_code="en").send("/therapists")

    assert replies[0].text == (
        "All therapists: 3. Page 1 of 1.\n\n"
        "• Iryna Kovalenko — verified\n"
        "• Maksym Bondar — verified, paused\n"
        "• Надія Коваль — not verified\n\n"
        "Tap a name to see the profile and act on it."
    )
    assert replies[0].buttons == ["Iryna Kovalenko", "Maksym Bondar", "Надія Коваль", "🔎 Find by name"]


async def test_finding_by_name_ignores_case_in_any_alphabet_and_pages_a_long_list(app, make_client):
    await three_therapists(app)
    for number in range(10):
        await add_therapist(app, 2100 + number, f"Olha Test{number:02d}", share_code=f"olha{number}")
    admin = make_client(ADMIN_ID, "Admin", language_code="en")

    cyrillic = await admin.send("/therapists коваль")
    both = await admin.send("/therapists KOV")
    first = await admin.send("/therapists olha")
    second = await admin.click("Next ▶️", in_reply=first[0])
    nobody = await admin.send("/therapists Zoryana")

    assert cyrillic[0].buttons == ["Надія Коваль", "🔎 Find by name", "📋 Everyone"]
    assert [b for b in both[0].buttons if b.startswith(("Iryna", "Надія"))] == ["Iryna Kovalenko"]
    assert first[0].text.startswith("Therapists whose name has «olha»: 10. Page 1 of 2.")
    assert first[0].buttons[:8] == [f"Olha Test{n:02d}" for n in range(8)]
    assert edited(second).text.startswith("Therapists whose name has «olha»: 10. Page 2 of 2.")
    assert edited(second).buttons[:2] == ["Olha Test08", "Olha Test09"]
    assert nobody[0].text == "No therapist's name has «Zoryana» in it. Try part of the name, or see everyone."


async def test_find_by_name_asks_and_waits_for_a_name(app, make_client):
    await three_therapists(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/therapists")

    asked = await admin.click("🔎 Знайти за ім'ям")
    sticker = await admin.send_sticker()
    found = await admin.send("iryna")
    after = await admin.send("iryna")  # the search is over: plain text is no longer a name

    assert BotClient.texts_of(asked) == ["Напишіть ім'я терапевта або його частину. /cancel — скасувати."]
    assert answers_in(sticker) == ["Напишіть, будь ласка, ім'я текстом або /cancel."]
    assert found[0].buttons[0] == "Iryna Kovalenko"
    assert not any("Iryna Kovalenko" in reply.buttons for reply in after)


async def test_a_therapist_as_clients_see_them_and_where_their_profile_stands(app, make_client):
    await three_therapists(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/therapists")

    opened = await admin.click("Iryna Kovalenko")

    texts = BotClient.texts_of(opened)
    assert texts[0].startswith("Iryna Kovalenko\n💰 1 200 ₴")  # the directory's own profile text
    assert "t.me/therapy_test_bot?start=t_iryna" in texts[0]
    assert texts[1] == (
        f"👤 Iryna Kovalenko · id {IRYNA}\n"
        "Перевірений: так\n"
        "Приймає нових клієнтів: так\n"
        "Прихований командою: ні\n"
        "Зараз у каталозі: так\n"
        "Змін профілю чекають на схвалення: 0\n"
        "🎥 Власна відеокімната: немає (сесії відбуваються на відеосервісі платформи, якщо він є)"
    )
    assert opened[-2].buttons == ["⏸ Призупинити нових клієнтів", "🙈 Приховати профіль", "« Усі терапевти"]


async def test_pausing_asks_first_then_tells_the_therapist_and_is_logged(app, make_client, session):
    await three_therapists(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/therapists")
    card = (await admin.click("Iryna Kovalenko"))[-2]

    asked = await admin.click("⏸ Призупинити нових клієнтів", in_reply=card)
    kept = await admin.click("« Ні, назад", in_reply=edited(asked))
    assert (await row(app, IRYNA)).accepting_clients
    asked = await admin.click("⏸ Призупинити нових клієнтів", in_reply=edited(kept))
    paused = await admin.click("⏸ Так, призупинити", in_reply=edited(asked))
    again = await admin.press(f"rsa:{IRYNA}:pause:1")
    await app.courier.drain()

    assert edited(asked).text.startswith("Призупинити профіль: Iryna Kovalenko? Нові клієнти не зможуть записатися")
    assert BotClient.alerts(paused) == ["Призупинено; терапевту повідомлено."]
    assert "Приймає нових клієнтів: ⏸ призупинено" in edited(paused).text
    assert "Зараз у каталозі: ні" in edited(paused).text
    assert "⏸ Призупинити нових клієнтів" not in edited(paused).buttons
    assert BotClient.alerts(again) == ["Так уже було; нічого не змінилося."]
    assert not (await row(app, IRYNA)).accepting_clients
    assert texts_to(session, IRYNA) == [
        "Команда платформи призупинила ваш профіль: поки що нові клієнти не можуть до вас записатися. Заплановані "
        "сесії лишаються як є. Знову приймати нових клієнтів можна у вашому кабінеті; якщо хочете дізнатися "
        "причину, напишіть у /support."
    ]
    assert await audit_actions(app) == [(ADMIN_ID, "therapists.paused", IRYNA)]


async def test_hiding_and_showing_again_each_reach_the_therapist_in_their_language(app, make_client, session):
    await add_therapist(app, IRYNA, "Iryna Kovalenko", locale="en")
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/therapists")
    card = (await admin.click("Iryna Kovalenko"))[-2]

    asked = await admin.click("🙈 Hide the profile", in_reply=card)
    hidden = await admin.click("🙈 Yes, hide", in_reply=edited(asked))
    await app.courier.drain()
    in_directory = await make_client(CLIENT, "Olena").send("/start t_iryna")
    shown = await admin.click("👁 Show the profile", in_reply=edited(hidden))
    await app.courier.drain()

    assert BotClient.alerts(hidden) == ["Hidden; the therapist is told."]
    assert "Hidden by the team: 🙈 yes" in edited(hidden).text
    assert any(text.startswith("За цим посиланням немає терапевта") for text in BotClient.texts_of(in_directory))
    assert BotClient.alerts(shown) == ["Shown again; the therapist is told."]
    assert not (await row(app, IRYNA)).hidden
    assert texts_to(session, IRYNA) == [
        "The platform's team has hidden your profile: clients don't see it in the search and your link leads "
        "nowhere for now. Sessions already booked stay as they are. To find out why, or to ask for it to be "
        "shown again, write to /support.",
        "Your profile is shown to clients again.",
    ]
    assert await audit_actions(app) == [(ADMIN_ID, "therapists.hidden", IRYNA), (ADMIN_ID, "therapists.shown", IRYNA)]


async def test_a_hide_undone_before_delivery_is_not_told(app, make_client, session):
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    admin = make_client(ADMIN_ID, "Admin")
    await admin.press(f"rsa:{IRYNA}:hide:1")
    await admin.press(f"rsa:{IRYNA}:show:0")
    await app.courier.drain()

    assert texts_to(session, IRYNA) == ["Ваш профіль знову показується клієнтам."]


async def test_publishing_pending_profile_changes_applies_them_and_tells_the_therapist(app, make_client, session):
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    async with app.unit_of_work() as uow:
        await propose(
            uow, app.clock, therapist_id=IRYNA, field=ProfileField.PRICE, value=150_000, full_admins=frozenset()
        )
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/therapists")
    opened = await admin.click("Iryna Kovalenko")

    assert "Profile changes waiting for approval: 1" in opened[-2].text
    asked = await admin.click("✅ Publish pending changes (1)", in_reply=opened[-2])
    published = await admin.click("✅ Yes, publish", in_reply=edited(asked))
    nothing_left = await admin.press(f"rsa:{IRYNA}:publish:0")
    await app.courier.drain()

    assert edited(asked).text == (
        "Publish these changes to Iryna Kovalenko's profile? Clients see them at once; Iryna Kovalenko is told.\n\n"
        "• Price: ₴1,500"
    )
    assert BotClient.alerts(published) == ["Published: 1; the therapist is told."]
    assert "Profile changes waiting for approval: 0" in edited(published).text
    assert BotClient.alerts(nothing_left) == ["Nothing is waiting to be published."]
    assert (await row(app, IRYNA)).price_minor == 150_000
    assert (ADMIN_ID, "profile.change_approved", IRYNA) in await audit_actions(app)
    assert texts_to(session, IRYNA), "the therapist hears the decision"


async def test_a_forged_or_stale_therapist_id_is_answered(app, make_client):
    admin = make_client(ADMIN_ID, "Admin", language_code="en")

    opened = await admin.press("rso:424242")
    acted = await admin.press("rsa:424242:pause:1")
    stand_in = await admin.press("rso:-5")

    expected = ["There is no such therapist any more. /therapists shows the current list."]
    assert BotClient.alerts(opened) == BotClient.alerts(acted) == BotClient.alerts(stand_in) == expected


async def test_only_staff_who_manage_therapists_may(app, make_client):
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    await add_person(app, CLIENT, "Olena")
    outsider = make_client(CLIENT, "Olena")
    finance = make_client(STAFFER, "Taras")
    await finance.send("/start")
    await give(app, STAFFER, StaffRole.FINANCE)
    manager = make_client(STAFFER + 1, "Olha")
    await manager.send("/start")
    await give(app, STAFFER + 1, StaffRole.COMMUNITY_MANAGER)

    assert answers_in(await outsider.send("/therapists")) == [REFUSED_TO_OUTSIDERS]
    assert answers_in(await outsider.press(f"rsa:{IRYNA}:pause:1")) == [REFUSED_TO_OUTSIDERS]
    assert answers_in(await finance.send("/therapists")) == [REFUSED_TO_STAFF]
    assert answers_in(await finance.press(f"rsa:{IRYNA}:hide:1")) == [REFUSED_TO_STAFF]
    assert (await row(app, IRYNA)).accepting_clients and not (await row(app, IRYNA)).hidden

    paused = await manager.press(f"rsa:{IRYNA}:pause:1")
    assert BotClient.alerts(paused) == ["Призупинено; терапевту повідомлено."]
    assert [r for r in paused if isinstance(r.method, SendMessage)] == []
