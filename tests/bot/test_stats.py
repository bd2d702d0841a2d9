"""/stats against a known month (tests/support/platform_month.py): the exact figures, in both languages,
and the same four figures in «why join»."""
from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText

from bot.views.applications import step_name
from core.applications import Step
from core.bookings import Booking, BookingStatus
from core.rules import platform_figures as figures_rule
from core.staff import StaffRole
from core.usecases.testimonials import add_testimonial
from tests.bot import staff_support
from tests.bot.staff_support import STAFFER, add_person, give
from tests.conftest import ADMIN_ID, START
from tests.support import platform_month
from tests.support.bot_client import BotClient

app, sleeper = staff_support.app, staff_support.sleeper

FUNNEL = {Step.SUBMITTED: 2, Step.INTERVIEW_SCHEDULED: 1, Step.DECLINED: 1}


async def known_month(app) -> None:
    async with app.unit_of_work() as uow:
        await platform_month.seed(uow, START)


def funnel_lines(app, locale: str) -> list[str]:
    with app.i18n.context(), app.i18n.use_locale(locale):
        return [f"• {step_name(step)}: {FUNNEL.get(step, 0)}" for step in Step]


async def test_stats_shows_the_known_month_exactly_in_ukrainian(app, make_client):
    await known_month(app)

    replies = await make_client(ADMIN_ID, "Admin").send("/stats")

    lines = replies[0].text.splitlines()
    assert lines[:8] == [
        "📊 Платформа цього місяця: нд, 1 листопада – вт, 24 листопада (Київ, UTC+2).",
        "",
        "• Нових записів на день у середньому: 0,21 (5 за місяць)",  # 5 over 24 days
        "• Проведених сесій на фахівця: 1,33 (усього 4)",
        "• Нових клієнтів на фахівця: 1,33 (усього 4)",
        "• Очікуваний заробіток фахівця: 1 526,67 ₴ (усього 4 580,02 ₴)",
        "Враховано фахівців: 3 (перевірені, які зараз приймають клієнтів або мали оплачену сесію цього місяця).",
        "",
    ]
    assert lines[8:9 + len(Step)] == ["Заявки за етапами:", *funnel_lines(app, "uk")]
    assert "Повернень цього місяця: 1 на суму 1 200 ₴." in lines
    assert lines[-1].startswith("Як рахуємо: записи, зроблені цього місяця, крім відхилених")
    assert replies[0].buttons == ["🔄 Оновити"]


async def test_stats_in_english_for_an_admin_who_reads_english(app, make_client):
    await known_month(app)

    replies = await make_client(ADMIN_ID, "Admin", language_code="en").send("/stats")

    lines = replies[0].text.splitlines()
    assert lines[:7] == [
        "📊 The platform this month: Sun 1 November – Tue 24 November (Kyiv, UTC+2).",
        "",
        "• New bookings a day, on average: 0.21 (5 this month)",
        "• Sessions held per specialist: 1.33 (4 in all)",
        "• New clients per specialist: 1.33 (4 in all)",
        "• Expected earnings per specialist: ₴1,526.67 (₴4,580.02 in all)",
        "Specialists counted: 3 (verified, and taking clients now or with a paid session this month).",
    ]
    assert lines[8:9 + len(Step)] == ["Applications by step:", *funnel_lines(app, "en")]
    assert "Refunds granted this month: 1 for ₴1,200." in lines


async def test_refresh_computes_again_and_a_quiet_month_has_nothing_to_average(app, make_client, clock):
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    quiet = await admin.send("/stats")
    assert quiet[0].text.splitlines()[2:7] == [
        "• New bookings a day, on average: 0.00 (0 this month)",
        "• Sessions held per specialist: — (0 in all)",
        "• New clients per specialist: — (0 in all)",
        "• Expected earnings per specialist: — (₴0 in all)",
        "Specialists counted: 0 (verified, and taking clients now or with a paid session this month).",
    ]
    assert "Refunds granted this month: none." in quiet[0].text.splitlines()

    await known_month(app)
    clock.advance(timedelta(days=1))  # Wednesday the 25th: 5 bookings over 25 days
    refreshed = await admin.click("🔄 Refresh", in_reply=quiet[0])

    assert BotClient.alerts(refreshed) == ["Updated."]
    [edited] = [reply for reply in refreshed if isinstance(reply.method, EditMessageText)]
    assert edited.text.splitlines()[2] == "• New bookings a day, on average: 0.20 (5 this month)"


async def test_a_new_booking_today_shows_at_once(app, make_client):
    await known_month(app)
    async with app.unit_of_work() as uow:
        await uow.bookings.add(
            Booking(1102, platform_month.MAKSYM, START + timedelta(days=2), START + timedelta(days=2, minutes=50),
                    120_000, BookingStatus.REQUESTED, START)
        )
        await uow.commit()

    replies = await make_client(ADMIN_ID, "Admin", language_code="en").send("/stats")

    assert replies[0].text.splitlines()[2] == "• New bookings a day, on average: 0.25 (6 this month)"


async def test_a_community_manager_sees_the_figures(app, make_client):
    await known_month(app)
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, StaffRole.COMMUNITY_MANAGER)

    replies = await taras.send("/stats")

    assert replies[0].text.splitlines()[2] == "• Нових записів на день у середньому: 0,21 (5 за місяць)"


async def test_why_join_shows_an_applicant_the_figures_that_rest_on_enough_and_the_testimonials(app, make_client, monkeypatch):
    """With the bar at the known month's size (3 specialists, 5 of a kind), as on the page for specialists: the figures
    over 5 (bookings, paid sessions) show, those over 4 (sessions held, new clients) do not."""
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_SPECIALISTS", platform_month.SPECIALISTS)
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_COUNT", platform_month.NEW_BOOKINGS)
    await known_month(app)
    async with app.unit_of_work() as uow:
        await add_testimonial(uow, app.clock, author="Iryna, CBT", text="Here I have clients and time for them.")
    await add_person(app, 1007, "Anna", locale="en")

    intro = await make_client(1007, "Anna", language_code="en").send("/apply")

    text = intro[0].text
    assert text.startswith("Join the platform as a therapist")
    assert (
        "The platform this month, so far:\n"
        "• New bookings a day, on average: 0.21\n"
        "• Expected earnings per specialist, on average: ₴1,526.67\n\n"
        "What therapists say about working with us:\n\n«Here I have clients and time for them.»\n— Iryna, CBT"
    ) in text
    assert len(text) <= 4096


async def test_why_join_in_ukrainian_and_without_figures_until_they_rest_on_enough(app, make_client, client, monkeypatch):
    before = await client.send("/apply")
    await known_month(app)
    too_few = await make_client(1009, "Oksana").send("/apply")  # 3 specialists: under the bar of 5
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_SPECIALISTS", platform_month.SPECIALISTS)
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_COUNT", platform_month.NEW_BOOKINGS - 1)
    after = await make_client(1008, "Ola").send("/apply")

    assert "Платформа цього місяця" not in before[0].text
    assert "Платформа цього місяця" not in too_few[0].text and "1,33" not in too_few[0].text
    assert (
        "Платформа цього місяця, станом на сьогодні:\n"
        "• Нових записів на день у середньому: 0,21\n"
        "• Сесій на фахівця в середньому: 1,33\n"
        "• Нових клієнтів на фахівця в середньому: 1,33\n"
        "• Очікуваний заробіток фахівця в середньому: 1 526,67 ₴"
    ) in after[0].text
