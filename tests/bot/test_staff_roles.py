"""Staff roles: who may use which console command and button, and how full admins give and take roles."""
from __future__ import annotations

import pytest
from aiogram.methods import EditMessageText, SetMyCommands
from sqlalchemy import select

from bot.keyboards import broadcast as broadcast_buttons
from bot.keyboards import roster as roster_buttons
from bot.keyboards import testimonials as testimonial_buttons
from bot.keyboards.cabinet import ChangeApprove, ChangeList, ChangeOpen, ChangeReject
from bot.keyboards.payments import ClawbackSettle, PayoutMark, PendingConfirm, RefundAct, RefundOpen
from bot.keyboards.stats import StatsRefresh
from bot.keyboards.vetting import Review
from core.clock import ManualClock
from core.staff import StaffRole
from core.support import Desk
from core.usecases.support import write_to_support
from core.usecases.testimonials import add_testimonial
from storage.tables import AuditRow, StaffRoleRow, UserRoleRow
from tests.bot import staff_support
from tests.bot.staff_support import (
    CLIENT,
    REFUSED_TO_OUTSIDERS,
    REFUSED_TO_STAFF,
    STAFFER,
    add_person,
    answers_in,
    give,
    refused,
    texts_to,
)
from tests.conftest import ADMIN_ID

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper

FULL = "full admin"
CM, SUPPORT, ETHICS, FINANCE = StaffRole.COMMUNITY_MANAGER, StaffRole.SUPPORT, StaffRole.ETHICS, StaffRole.FINANCE
WHO = ["client", CM, SUPPORT, ETHICS, FINANCE, FULL]

# Every command and button of the console, and who may use it. Written out, not derived from the code's table.
MATRIX = [
    ("/staff", "send", "/staff", {FULL}),
    ("/grant", "send", f"/grant {CLIENT} finance", {FULL}),
    ("/revoke", "send", f"/revoke {CLIENT} finance", {FULL}),
    ("staff: a member's card", "press", f"staff:{CLIENT}", {FULL}),
    ("staff: toggle a role", "press", f"stafft:{CLIENT}:ethics", {FULL}),
    ("staff: add someone", "press", "staffadd", {FULL}),
    ("staff: back to the list", "press", "staffls", {FULL}),
    ("/audit", "send", "/audit", {FULL}),
    ("/audit <id>", "send", f"/audit {CLIENT}", {FULL}),
    ("audit: turn a page", "press", "audit:1:0", {FULL}),
    ("/testimonials", "send", "/testimonials", {FULL, CM}),
    ("testimonials: the list", "press", testimonial_buttons.TestimonialList().pack(), {FULL, CM}),
    ("testimonials: a card", "press", testimonial_buttons.TestimonialOpen(id=1).pack(), {FULL, CM}),
    ("testimonials: move", "press", testimonial_buttons.TestimonialMove(id=1, direction="down").pack(), {FULL, CM}),
    ("testimonials: remove", "press", testimonial_buttons.TestimonialRemove(id=1).pack(), {FULL, CM}),
    ("testimonials: add", "press", testimonial_buttons.TestimonialAdd().pack(), {FULL, CM}),
    ("testimonials: edit", "press", testimonial_buttons.TestimonialEdit(id=1, part="text").pack(), {FULL, CM}),
    ("support: close a ticket", "press", "supclose:1", {FULL, SUPPORT}),
    # Other topics' console commands, behind the same gate.
    ("/queue (delivery)", "send", "/queue", {FULL}),
    ("/applications", "send", "/applications", {FULL, CM}),
    ("applications: open one", "press", Review(action="open", application=1).pack(), {FULL, CM}),
    ("applications: approve", "press", Review(action="approve", application=1).pack(), {FULL, CM}),
    ("/refunds", "send", "/refunds", {FULL, SUPPORT, ETHICS}),
    ("refunds: open one", "press", RefundOpen(refund_id=1).pack(), {FULL, SUPPORT, ETHICS}),
    ("refunds: decide", "press", RefundAct(refund_id=1, act="approve").pack(), {FULL, ETHICS}),
    ("/payouts", "send", "/payouts", {FULL, FINANCE}),
    ("payouts: mark paid", "press", PayoutMark(payout_id=1).pack(), {FULL, FINANCE}),
    ("payouts: clawback settled", "press", ClawbackSettle(clawback_id=1).pack(), {FULL, FINANCE}),
    ("/pending_payments", "send", "/pending_payments", {FULL, FINANCE}),
    ("pending payments: confirm", "press", PendingConfirm(booking_id=1).pack(), {FULL, FINANCE}),
    ("/confirm_payment", "send", "/confirm_payment 1", {FULL, FINANCE}),
    ("/stats", "send", "/stats", {FULL, CM}),
    ("stats: refresh", "press", StatsRefresh().pack(), {FULL, CM}),
    ("/therapists", "send", "/therapists", {FULL, CM}),
    ("/therapists <name>", "send", "/therapists Olena", {FULL, CM}),
    ("therapists: a page", "press", roster_buttons.RosterPageTurn(page=1, q="ol").pack(), {FULL, CM}),
    ("therapists: open one", "press", roster_buttons.RosterOpen(id=CLIENT).pack(), {FULL, CM}),
    ("therapists: the card", "press", roster_buttons.RosterCard(id=CLIENT).pack(), {FULL, CM}),
    *[
        (f"therapists: {action.value}", "press", roster_buttons.RosterAct(id=CLIENT, action=action, sure=True).pack(), {FULL, CM})
        for action in roster_buttons.RosterAction
    ],
    ("/broadcasts", "send", "/broadcasts", {FULL, CM}),
    ("broadcasts: a report", "press", broadcast_buttons.BroadcastReportOpen(id=1).pack(), {FULL, CM}),
    ("broadcasts: stop one", "press", broadcast_buttons.BroadcastStop(id=1, sure=True).pack(), {FULL, CM}),
    ("/broadcast", "send", "/broadcast", {FULL, CM}),
    ("broadcast: confirm", "press", broadcast_buttons.BroadcastConfirm(token="0").pack(), {FULL, CM}),
    ("broadcast: another message", "press", broadcast_buttons.BroadcastRedo().pack(), {FULL, CM}),
    ("broadcast: cancel", "press", broadcast_buttons.BroadcastCancel().pack(), {FULL, CM}),
    ("broadcast: a segment", "press", broadcast_buttons.BroadcastSegment(code="clients").pack(), {FULL, CM}),
    ("therapists: find by name", "press", roster_buttons.RosterFind().pack(), {FULL, CM}),
    ("/profile_changes", "send", "/profile_changes", {FULL, CM}),
    ("profile changes: the list", "press", ChangeList().pack(), {FULL, CM}),
    ("profile changes: a card", "press", ChangeOpen(id=1).pack(), {FULL, CM}),
    ("profile changes: approve", "press", ChangeApprove(id=1).pack(), {FULL, CM}),
    ("profile changes: reject", "press", ChangeReject(id=1).pack(), {FULL, CM}),
    ("profile changes: reject without a note", "press", ChangeReject(id=1, plain=True).pack(), {FULL, CM}),
]


@pytest.mark.parametrize("who", WHO, ids=str)
async def test_authorization_matrix(who, app, make_client):
    await add_person(app, CLIENT, "Olena")
    async with app.unit_of_work() as uow:
        await add_testimonial(uow, app.clock, author="Iryna", text="Here I have clients and time for them.")
    async with app.unit_of_work() as uow:
        await write_to_support(uow, app.clock, person_id=CLIENT, message_id=5, desk=Desk((ADMIN_ID,)))
    if who == FULL:
        actor = make_client(ADMIN_ID, "Admin")
    else:
        actor = make_client(STAFFER, "Taras")
        await actor.send("/start")
        if who != "client":
            await give(app, STAFFER, who)

    outcome = {}
    for name, how, what, allowed in MATRIX:
        replies = await (actor.send(what) if how == "send" else actor.press(what))
        outcome[name] = "allowed" if not refused(replies) else "refused"
        if who not in allowed:
            expected = REFUSED_TO_OUTSIDERS if who == "client" else REFUSED_TO_STAFF
            assert expected in answers_in(replies), name
    assert outcome == {name: "allowed" if who in allowed else "refused" for name, _, _, allowed in MATRIX}


async def test_a_refused_grant_changes_nothing_and_is_not_logged(app, make_client):
    await add_person(app, CLIENT, "Olena")
    support = make_client(STAFFER, "Taras")
    await support.send("/start")
    await give(app, STAFFER, SUPPORT)

    replies = await support.send(f"/grant {CLIENT} support")
    forged = await support.press(f"stafft:{CLIENT}:finance")

    assert answers_in(replies) == [REFUSED_TO_STAFF]
    assert answers_in(forged) == [REFUSED_TO_STAFF]
    async with app.sessions() as session:
        assert (await session.scalars(select(StaffRoleRow.role).where(StaffRoleRow.telegram_id == CLIENT))).all() == []
        assert (await session.scalars(select(AuditRow.actor_id))).all() == [ADMIN_ID]  # only the setup's grant


async def test_an_outsider_is_refused_in_english_when_they_read_english(app, make_client):
    anna = make_client(1005, "Anna", language_code="en")
    replies = await anna.send("/audit")
    assert answers_in(replies) == ["This is for the platform's staff."]


async def test_staff_lists_roles_and_the_full_admins(app, make_client):
    await make_client(ADMIN_ID, "Admin").send("/start")
    await add_person(app, CLIENT, "Olena")
    await give(app, CLIENT, SUPPORT, FINANCE)

    replies = await make_client(ADMIN_ID, "Admin").send("/staff")

    assert replies[0].text.splitlines()[:2] == ["Команда та ролі:", f"• Olena ({CLIENT}) — підтримка, фінанси"]
    assert f"Адміністратори з повними правами (ADMIN_IDS): Admin ({ADMIN_ID})" in replies[0].text
    assert replies[0].buttons == ["Olena", "➕ Додати до команди"]


async def test_an_admin_adds_a_staff_member_by_id_and_gives_a_role_with_a_button(app, make_client, session):
    admin = make_client(ADMIN_ID, "Admin")
    anna = make_client(1005, "Anna", language_code="en")
    await anna.send("/start")

    await admin.send("/staff")
    await admin.click("➕ Додати до команди")
    sticker = await admin.send_sticker()
    stranger = await admin.send("777")
    found = await admin.send("1005")
    granted = await admin.click("▫️ ком'юніті-менеджер")
    await app.courier.drain()

    assert sticker[0].text.startswith("Надішліть Telegram id людини числом")
    assert stranger[0].text.startswith("Людина з id 777 ще не запускала цього бота.")
    assert found[1].text == "Anna (1005)\nРолі: без ролей\n\nНатисніть на роль, щоб надати її або забрати."
    assert answers_in(granted)[-1] == "Anna: роль «ком'юніті-менеджер» надано."
    card = next(reply for reply in granted if isinstance(reply.method, EditMessageText))
    assert "✅ ком'юніті-менеджер" in card.buttons
    assert texts_to(session, 1005)[-1].startswith("You now have the role «community manager» on the platform.")
    published = [call for call in session.calls if isinstance(call, SetMyCommands) and call.scope.chat_id == 1005]
    assert "testimonials" in [command.command for command in published[-1].commands]
    async with app.sessions() as db:
        audit = (await db.scalars(select(AuditRow))).one()
    assert (audit.actor_id, audit.action, audit.subject_id, audit.details) == (
        ADMIN_ID, "staff.role_granted", 1005, {"role": "community_manager"}
    )


async def test_an_admin_can_pick_the_person_from_their_chats(app, make_client):
    admin = make_client(ADMIN_ID, "Admin")
    await add_person(app, CLIENT, "Olena")
    await admin.send("/staff")
    await admin.click("➕ Додати до команди")

    message = admin._message(users_shared={"request_id": 7, "users": [{"user_id": CLIENT}]})
    replies = await admin.feed({"message": message})

    assert replies[1].text.startswith(f"Olena ({CLIENT})\nРолі: без ролей")


async def test_grant_and_revoke_by_command_with_clear_errors(app, make_client, session):
    admin = make_client(ADMIN_ID, "Admin")
    await add_person(app, CLIENT, "Olena")

    usage = await admin.send("/grant Olena support")
    unknown = await admin.send("/grant 4242 support")
    granted = await admin.send(f"/grant {CLIENT} support")
    again = await admin.send(f"/grant {CLIENT} support")
    not_held = await admin.send(f"/revoke {CLIENT} finance")
    revoked = await admin.send(f"/revoke {CLIENT} support")
    await app.courier.drain()

    assert usage[0].text.startswith("Як користуватися: /grant <telegram id> <роль>, де роль — одна з: community_manager")
    assert unknown[0].text.startswith("Людина з id 4242 ще не запускала цього бота.")
    assert granted[0].text == f"Olena ({CLIENT}): роль «підтримка» надано."
    assert again[0].text == "Роль «підтримка» у цієї людини вже є."
    assert not_held[0].text == "Ролі «фінанси» у цієї людини немає — нічого забирати."
    assert revoked[0].text == f"Olena ({CLIENT}): роль «підтримка» знято."
    # Both notices were superseded by the other before delivery: the person hears the outcome, once.
    assert texts_to(session, CLIENT) == ["Вашу роль «підтримка» на платформі знято."]


async def test_staff_see_the_console_on_start_until_their_last_role_goes(app, make_client, clock: ManualClock):
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, ETHICS, FINANCE)
    console = await taras.send("/start")

    admin = make_client(ADMIN_ID, "Admin")
    await admin.send(f"/revoke {STAFFER} ethics")
    still = await taras.send("/start")
    await admin.send(f"/revoke {STAFFER} finance")
    client_again = await taras.send("/start")

    assert console[0].text.startswith("Вітаємо! Це консоль платформи")
    assert still[0].text.startswith("Вітаємо! Це консоль платформи")
    assert client_again[0].text.startswith("Вітаємо! Тут можна знайти психотерапевта")
    async with app.sessions() as db:
        roles = (await db.scalars(select(UserRoleRow.role).where(UserRoleRow.telegram_id == STAFFER))).all()
    assert roles == ["client"]
