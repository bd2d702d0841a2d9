"""The community manager's side: the queue, decisions at each step, and what the applicant hears of them."""
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument, SendMessage, SendPhoto, SetMyCommands
from sqlalchemy import select

from bot.keyboards.vetting import InterviewReply, Review
from core.staff import StaffGrant, StaffRole
from core.users import Role
from storage.tables import ApplicationEventRow, TherapistRow, UserRoleRow
from tests.bot.booking_support import add_therapist
from tests.bot.vetting_support import (  # noqa: F401 (app and sleeper are fixtures)
    ANNA,
    OLENA,
    app,
    application_row,
    fill_second,
    send_first,
    sent_to,
    sleeper,
    timed,
)
from tests.conftest import ADMIN_ID, START
from tests.support.bot_client import BotClient

LINK = "https://meet.example.com/vetting-1"


async def deliver(app) -> None:
    await app.courier.drain()


async def started_admin(make_client) -> BotClient:
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/start")
    return admin


async def invite(admin: BotClient, number: int, *times: str) -> list:
    await admin.press(Review(action="invite", application=number).pack())
    for moment in times:
        await admin.send(moment)
    await admin.click("➡️ Це все: до посилання")
    await admin.send(LINK)
    return await admin.click("📨 Надіслати запрошення")


async def test_from_apply_to_a_published_profile_and_the_cabinet_invitation(client, app, make_client, clock, session):
    admin = await started_admin(make_client)
    await send_first(client)
    await deliver(app)
    assert admin.texts()[-1] == "📝 Нова заявка #1 — Olena Koval. Виконано вимог: 6 з 6."

    queue = await admin.send("/applications")
    assert "першу анкету надіслано, чекає на розгляд (1):\n#1 Olena Koval, з вт, 24 листопада" in queue[0].text
    opened = await admin.click("#1 Olena Koval · 0 дн.")
    view = BotClient.texts_of(opened)[0]
    assert view.startswith("Заявка #1 · Olena Koval\nЕтап: першу анкету надіслано, чекає на розгляд")
    assert "✅ Практика: 5 років (потрібно щонайменше 2)." in view
    assert opened[-2].buttons == ["📅 Запросити на співбесіду", "✖️ Відхилити", "⬅️ До черги"]

    await admin.click("📅 Запросити на співбесіду")
    await admin.send("26.11 18:00")
    await admin.click("➡️ Це все: до посилання")
    preview = await admin.send(LINK)
    assert "• чт, 26 листопада, 18:00 (Київ, UTC+2) у вас, чт, 26 листопада, 18:00 (Київ, UTC+2) у кандидата" in preview[0].text
    sent = await admin.click("📨 Надіслати запрошення")
    assert BotClient.texts_of(sent) == ["Запрошення надіслано — Olena Koval. Ми повідомимо, щойно буде відповідь."]

    await deliver(app)
    invitation = client.replies()[-1]
    assert invitation.text.startswith("Запрошуємо вас на онлайн-співбесіду з нашою ком'юніті-менеджеркою: чт, 26 листопада, 18:00")
    assert invitation.buttons == ["✅ Підтвердити", "🕓 Потрібен інший час"]
    confirmed = await client.click("✅ Підтвердити")
    assert BotClient.texts_of(confirmed)[0].startswith("✅ Підтверджено: чт, 26 листопада, 18:00 (Київ, UTC+2).\nПосилання: " + LINK)
    await deliver(app)
    assert admin.texts()[-1] == "✅ Olena Koval (#1) підтверджує співбесіду: чт, 26 листопада, 18:00 (Київ, UTC+2)."

    interview = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    clock.set(interview - timedelta(hours=24))
    await deliver(app)
    assert client.texts()[-1] == f"⏰ Ваша співбесіда з платформою — за 24 години: чт, 26 листопада, 18:00 (Київ, UTC+2).\nПосилання: {LINK}"
    assert admin.texts()[-1].startswith("⏰ Співбесіда за 24 години: Olena Koval (#1)")
    clock.set(interview - timedelta(hours=1))
    await deliver(app)
    assert client.texts()[-1].startswith("⏰ Ваша співбесіда з платформою — за 1 годину")

    clock.set(interview + timedelta(hours=1))
    await admin.press(Review(action="open", application=1).pack())
    held = await admin.click("✅ Співбесіда відбулася: надіслати другу анкету")
    assert BotClient.texts_of(held) == ["Позначено як проведену. Olena Koval отримає другу анкету."]
    await deliver(app)
    assert client.replies()[-1].buttons == ["📝 Заповнити другу анкету"]

    await fill_second(client)
    await client.click("📨 Надіслати анкету")
    await deliver(app)
    assert admin.texts()[-1] == "📎 Olena Koval (#1): друга анкета з документами надіслана й чекає на схвалення."

    before = len(session.calls)
    opened = await admin.click("📂 Відкрити заявку")
    assert "Друга анкета:" in BotClient.texts_of(opened)[0] + "".join(BotClient.texts_of(opened)[1:])
    await admin.click("📎 Показати документи")
    shown = [(type(r.method).__name__, getattr(r.method, "document", None) or r.method.photo, r.text) for r in sent_to(admin, before) if isinstance(r.method, (SendDocument, SendPhoto))]
    assert shown == [
        ("SendDocument", "diploma-1", "#1 · Документи про освіту 1/1"),
        ("SendPhoto", "certificate-1", "#1 · Сертифікати 1/1"),
        ("SendPhoto", "portrait-1", "#1 · Фото 1/1"),
    ]

    approved = await admin.press(Review(action="approve", application=1).pack())
    assert BotClient.texts_of(approved)[0].startswith("Схвалено: профіль створено, але поки не опубліковано — Olena Koval.")
    await deliver(app)
    assert "між пн, 7 грудня і чт, 10 грудня" in client.texts()[-1]  # approved on Thursday 26 Nov
    async with app.sessions() as db:
        profile = await db.get(TherapistRow, OLENA)
    assert (profile.verified, profile.price_minor, profile.photo_file_id) == (False, 120_000, "portrait-1")

    before = len(session.calls)
    published = await admin.click("🚀 Опублікувати профіль")
    assert BotClient.texts_of(published) == ["Опубліковано: Olena Koval тепер терапевт платформи й отримує запрошення до кабінету."]
    menus = [c for c in session.calls[before:] if isinstance(c, SetMyCommands) and c.scope.chat_id == OLENA]
    assert "clients" in [c.command for c in menus[-1].commands]  # the therapist's own commands
    await deliver(app)
    assert client.texts()[-1].startswith("Вітаємо! Ласкаво просимо на платформу: ваш профіль опубліковано")
    cabinet = await client.send("/start")
    assert cabinet[0].text.startswith("Вітаємо! Це ваш кабінет")

    async with app.sessions() as db:
        profile = await db.get(TherapistRow, OLENA)
        roles = set(await db.scalars(select(UserRoleRow.role).where(UserRoleRow.telegram_id == OLENA)))
        events = [(e.action, e.actor_id) for e in await db.scalars(select(ApplicationEventRow).order_by(ApplicationEventRow.id))]
    assert profile.verified
    assert roles == {Role.CLIENT.value, Role.THERAPIST.value}
    assert events == [
        ("started", OLENA), ("submitted", OLENA), ("invited", ADMIN_ID), ("confirmed", OLENA), ("held", ADMIN_ID),
        ("second_submitted", OLENA), ("approved", ADMIN_ID), ("published", ADMIN_ID),
    ]


async def test_proposed_times_are_shown_in_the_applicants_zone_and_one_is_picked(app, make_client):
    admin = await started_admin(make_client)
    anna = make_client(ANNA, "Anna", language_code="en")
    await send_first(anna, timezone="New York")
    await invite(admin, 1, "26.11 18:00", "27.11.2026 10:30")
    await deliver(app)

    invitation = anna.replies()[-1]
    assert invitation.text.startswith("You are invited to an online interview with our community manager.\nLink: " + LINK)
    assert invitation.buttons == ["Thu 26 Nov, 11:00 (New York, UTC-5)", "Fri 27 Nov, 03:30 (New York, UTC-5)", "🕓 I need another time"]
    picked = await anna.click("Fri 27 Nov, 03:30 (New York, UTC-5)")
    assert BotClient.texts_of(picked)[0].startswith("✅ Confirmed: Fri 27 November, 03:30 (New York, UTC-5).")
    row = await application_row(app, ANNA)
    assert (row.step, row.interview_at) == ("interview_scheduled", datetime(2026, 11, 27, 8, 30, tzinfo=UTC))
    status = await anna.send("/status")
    assert BotClient.texts_of(status)[0].startswith("Your interview: Fri 27 November, 03:30 (New York, UTC-5).")


async def test_an_applicant_asks_for_another_time_and_a_new_invitation_replaces_the_old(app, make_client, client):
    admin = await started_admin(make_client)
    await send_first(client)
    await invite(admin, 1, "26.11 18:00")
    await deliver(app)
    first_invitation = client.replies()[-1]
    asked = await client.click("🕓 Потрібен інший час")
    await deliver(app)
    assert BotClient.texts_of(asked)[0].startswith("Дякуємо, що сказали.")
    assert admin.texts()[-1] == "🕓 Olena Koval (#1) просить інший час співбесіди. Надішліть нове запрошення із заявки."

    await admin.click("📂 Відкрити заявку")
    await admin.click("📅 Надіслати нове запрошення")
    await admin.send("27.11 12:00")
    await admin.click("➡️ Це все: до посилання")
    await admin.send(LINK)
    await admin.click("📨 Надіслати запрошення")
    await deliver(app)
    old = await client.click("✅ Підтвердити", in_reply=first_invitation)
    assert BotClient.alerts(old) == ["Це запрошення вже замінено новим або його час минув. Де зараз ваша заявка: /status"]
    new = await client.click("✅ Підтвердити")
    assert BotClient.texts_of(new)[0].startswith("✅ Підтверджено: пт, 27 листопада, 12:00")


async def test_a_declined_applicant_hears_the_edited_reason_politely_in_their_language(app, make_client):
    admin = await started_admin(make_client)
    anna = make_client(ANNA, "Anna", language_code="en")
    await send_first(anna, practice_years="1", fop=("no",))

    await admin.press(Review(action="open", application=1).pack())
    preview = await admin.click("✖️ Відхилити")
    letter = BotClient.texts_of(preview)[0]
    assert letter.startswith("Olena Koval прочитає ось це (English):\n\nThank you for your interest in the platform")
    assert "• Practice: 1 year, but at least 2 are needed.\n• Not registered as a Ukrainian sole proprietor (FOP), group 3" in letter

    edited = await admin.send("We need at least two years of practice and a sole proprietor (FOP) of group 3.")
    assert "\n\nWe need at least two years of practice and a sole proprietor (FOP) of group 3.\n\n" in BotClient.texts_of(edited)[0]
    done = await admin.click("📨 Надіслати цю відповідь")
    assert BotClient.texts_of(done) == ["Відхилено. Olena Koval отримає ввічливу відповідь із вашою причиною."]
    await deliver(app)

    told = anna.texts()[-1]
    assert told.startswith("Thank you for your interest in the platform and for the time you gave to your application.")
    assert "We need at least two years of practice and a sole proprietor (FOP) of group 3." in told
    status = await anna.send("/status")
    assert BotClient.texts_of(status)[0].startswith("Your application was declined.")
    menu = await anna.send("/start")
    assert "🧑\u200d⚕️ Join as a therapist" in menu[0].buttons  # a client again, free to apply later

    stale = await admin.press(Review(action="invite", application=1).pack())
    assert BotClient.alerts(stale) == ["Заявка вже на іншому етапі: «відхилено». Ця кнопка застаріла."]
    async with app.sessions() as db:
        event = await db.scalar(select(ApplicationEventRow).where(ApplicationEventRow.action == "declined"))
    assert (event.actor_id, event.note) == (ADMIN_ID, "We need at least two years of practice and a sole proprietor (FOP) of group 3.")


async def grant(app, person_id: int, role: StaffRole) -> None:
    async with app.unit_of_work() as uow:
        await uow.staff.add(StaffGrant(person_id, role, ADMIN_ID, START))
        await uow.commit()


async def test_a_community_manager_reviews_and_other_staff_do_not(app, make_client, client):
    manager, support = make_client(1006, "Maria"), make_client(1007, "Sofia")
    await manager.send("/start")
    await support.send("/start")
    await grant(app, 1006, StaffRole.COMMUNITY_MANAGER)
    await grant(app, 1007, StaffRole.SUPPORT)
    await send_first(client)
    await deliver(app)

    assert manager.texts()[-1] == "📝 Нова заявка #1 — Olena Koval. Виконано вимог: 6 з 6."
    assert not any("Нова заявка" in text for text in support.texts())
    opened = await manager.click("📂 Відкрити заявку")
    refused = await support.press(Review(action="open", application=1).pack())
    assert BotClient.texts_of(opened)[0].startswith("Заявка #1 · Olena Koval")
    assert BotClient.alerts(refused) == [
        "Ваша роль цього не передбачає. Якщо вам це потрібно, роль може надати адміністратор із повними правами."
    ]


async def test_an_application_names_the_referring_therapist_by_the_full_name_of_their_profile(app, make_client, client):
    admin = await started_admin(make_client)
    await add_therapist(app, 7001, "Iryna Bondar", share_code="iryna123")  # Telegram knows her as "Iryna"
    await send_first(client, referral="iryna123")

    opened = await admin.press(Review(action="open", application=1).pack())

    assert "\nЗа рекомендацією: Iryna Bondar\n" in BotClient.texts_of(opened)[0]


async def test_only_admins_see_and_act_on_applications(app, make_client, client):
    await started_admin(make_client)
    await send_first(client)
    stranger = make_client(1005, "Stranger")

    queue = await stranger.send("/applications")
    forged = await client.press(Review(action="open", application=1).pack())
    forged_approve = await stranger.press(Review(action="approve", application=1).pack())
    await invite(await started_admin(make_client), 1, "26.11 18:00")
    someone_elses = await stranger.press(InterviewReply(application=1, invitation=1, choice=0).pack())

    assert BotClient.texts_of(queue) == ["Це лише для команди платформи."]
    assert BotClient.alerts(forged) == ["Це лише для команди платформи."]
    assert BotClient.alerts(forged_approve) == ["Це лише для команди платформи."]
    assert BotClient.alerts(someone_elses) == ["Це запрошення не для вас."]
    assert not [r for r in sent_to(stranger, 0) if isinstance(r.method, SendMessage) and "Olena" in (r.text or "")]
    assert (await application_row(app, client.user_id)).step == "interview_invited"


async def test_an_application_nobody_touched_reminds_the_admins_after_two_business_days(app, make_client, client, clock):
    admin = await started_admin(make_client)
    await send_first(client)
    await deliver(app)
    clock.set(START + timedelta(days=2, minutes=1))  # Thursday: two business days later
    await deliver(app)
    assert admin.texts()[-1] == "⏰ Заявка #1 (Olena Koval) чекає вже 2 робочі дні: першу анкету надіслано, чекає на розгляд."

    await invite(admin, 1, "30.11 12:00")
    clock.set(START + timedelta(days=9))
    before = len(admin.texts())
    await deliver(app)
    assert [t for t in admin.texts()[before:] if t.startswith("⏰ Заявка")] == []  # the ball is with the applicant
    assert [r.status for r in await timed(app, "vetting.untouched")] == ["sent"]


async def test_the_status_says_the_step_what_comes_next_and_how_long(app, make_client, client):
    before = await client.send("/status")
    await send_first(client)
    after = await client.send("📍 Моя заявка")

    assert BotClient.texts_of(before) == ["Ви ще не подавали заявку. Щоб долучитися до платформи як терапевт: /apply"]
    assert BotClient.texts_of(after)[0].startswith(
        "Ваша анкета — у нашої ком'юніті-менеджерки.\nДалі: якщо ваш досвід відповідає тому, що потрібно нашим "
        "клієнтам, вас запросять на коротку онлайн-співбесіду.\nЗазвичай це займає до 2 робочих днів."
    )


async def test_an_interview_time_out_of_range_is_answered_and_the_step_kept(client, app, make_client):
    admin = await started_admin(make_client)
    await send_first(client)
    await admin.press(Review(action="invite", application=1).pack())

    year_one = await admin.send("0001-01-01 00:30")
    far = await admin.send("26.11.2062 18:00")
    last_day = await admin.send("24.11.2027 09:00")  # within a year of Tuesday 24 November 2026, 10:00

    assert BotClient.texts_of(year_one) == [
        "Не вдалося прочитати час. Надішліть його у форматі ДД.ММ ГГ:ХХ, наприклад: 01.12 18:00."  # a week on
    ]
    assert BotClient.texts_of(far) == ["Це більш ніж за рік наперед. Надішліть, будь ласка, час у межах найближчого року."]
    assert BotClient.texts_of(last_day)[0].startswith("Поки що варіанти:\n• ")


async def test_an_application_number_too_large_for_any_record_is_answered(make_client):
    admin = await started_admin(make_client)
    huge = await admin.send("/applications 99999999999999999999")
    missing = await admin.send("/applications #9223372036854775807")
    assert BotClient.texts_of(huge) == [
        "Номер заявки — ціле число, як-от 12 (див. /applications); це число завелике."
    ]
    assert BotClient.texts_of(missing) == ["Такої заявки немає."]
