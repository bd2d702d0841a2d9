"""Weekly hours in the cabinet: the week, adding, changing and removing intervals, the session format, the preview."""
from __future__ import annotations

from datetime import time

from bot.keyboards.cabinet import HoursChange, HoursRemove
from core.schedule import WorkingHours
from tests.bot import booking_support
from tests.bot.booking_support import PETRO, add_person
from tests.bot.cabinet_support import MENU_HOURS, answers, hours_rows, iryna_in_cabinet
from tests.support.bot_client import BotClient

app, sleeper = booking_support.app, booking_support.sleeper


async def test_the_week_is_shown_in_her_zone_with_the_session_format(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)

    replies = await iryna.send(MENU_HOURS)

    assert replies[0].text == (
        "🗓 Ваші робочі години на тиждень, у вашому часовому поясі (Київ):\n"
        "Пн: 10:00–18:00\nВт: 10:00–18:00\nСр: 10:00–18:00\nЧт: 10:00–18:00\nПт: 10:00–18:00\nСб: —\nНд: —\n\n"
        "Сесія триває 50 хв, після кожної — перерва 10 хв.\n"
        "Оберіть день, щоб додати, змінити чи прибрати години."
    )
    assert replies[0].buttons == [
        "Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд", "⌨️ Кілька днів одним рядком", "⏱ Тривалість сесії й перерва",
        "👀 Вільний час очима клієнтів",
    ]


async def test_an_interval_is_typed_and_bad_input_is_explained_while_the_step_waits(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    saturday = await iryna.click("Сб")
    assert saturday[-2].text == "Субота: годин немає. Додайте їх, щоб клієнти могли записатися на цей день."

    asked = await iryna.click("➕ Додати години")
    sticker = await iryna.send_sticker()
    words = await iryna.send("зранку")
    backwards = await iryna.send("13:00-09:00")
    short = await iryna.send("9:00-9:30")
    saved = await iryna.send("9-13")

    prompt = (
        "Напишіть години, які додати на суботу, наприклад 09:00-13:00, у вашому часовому поясі (Київ). "
        "/cancel — зупинити."
    )
    assert answers(asked) == [prompt]
    assert answers(sticker) == ["Будь ласка, напишіть години текстом.\n\n" + prompt]
    assert answers(words) == [
        "Не можу прочитати це як години. Будь ласка, напишіть початок і кінець у 24-годинному форматі, "
        "наприклад 09:00-13:00.\n\n" + prompt
    ]
    assert answers(backwards) == ["Початок має бути раніше за кінець.\n\n" + prompt]
    assert answers(short) == ["Це коротше за одну сесію (50 хв), тож на цей час ніхто не зможе записатися.\n\n" + prompt]
    assert saved[0].text == (
        "✅ Збережено: субота, 09:00–13:00.\n\nСубота: 09:00–13:00\n"
        "✏️ змінює проміжок, 🗑 прибирає його. Уже заплановані сесії лишаються в будь-якому разі."
    )
    assert saved[0].buttons == [
        "✏️ 09:00–13:00", "🗑 09:00–13:00", "➕ Додати години", "📋 Скопіювати на інші будні", "« Тиждень",
    ]
    assert (5, "09:00", "13:00") in await hours_rows(app)

    await iryna.click("➕ Додати години")
    overlap = await iryna.send("12:00-15:00")
    touching = await iryna.send("13:00-15:00")
    assert answers(overlap)[0].startswith(
        "Це накладається на ваші години 09:00–13:00 на суботу. Змініть ті години або напишіть такі, що не накладаються."
    )
    assert touching[0].text.startswith("✅ Збережено: субота, 13:00–15:00.\n\nСубота: 09:00–13:00, 13:00–15:00")
    assert [row for row in await hours_rows(app) if row[0] == 5] == [(5, "09:00", "13:00"), (5, "13:00", "15:00")]


async def test_an_interval_is_changed_and_another_removed_and_cancel_leaves_hours_as_they_were(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    await iryna.click("Пн")
    asked = await iryna.click("✏️ 10:00–18:00")
    changed = await iryna.send("08:30 – 12:30")
    await iryna.click("➕ Додати години")
    await iryna.send("14:00-19:00")
    removed = await iryna.click("🗑 08:30–12:30")
    await iryna.click("➕ Додати години")
    stopped = await iryna.send("/cancel")
    stray = await iryna.send("10:00-11:00")

    assert answers(asked) == [
        "Напишіть нові години замість 10:00–18:00 на понеділок, наприклад 09:00-13:00, у вашому часовому поясі "
        "(Київ). /cancel — зупинити."
    ]
    assert changed[0].text.startswith("✅ Збережено: понеділок, 08:30–12:30.\n\nПонеділок: 08:30–12:30")
    assert BotClient.alerts(removed) == ["Прибрано: 08:30–12:30."]
    assert removed[-2].text.startswith("Понеділок: 14:00–19:00\n")
    assert answers(stopped) == ["Зупинено; ваші години без змін. Їх видно в /hours."]
    assert "✅" not in " ".join(answers(stray))  # the step is over: a stray interval saves nothing
    assert [row for row in await hours_rows(app) if row[0] == 0] == [(0, "14:00", "19:00")]


async def test_a_stale_or_forged_interval_button_changes_nothing(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    monday = await iryna.click("Пн")
    await iryna.click("🗑 10:00–18:00", in_reply=monday[-2])

    again = await iryna.click("🗑 10:00–18:00", in_reply=monday[-2])
    nonsense = await iryna.press(HoursRemove(weekday=0, start=2000, end=99999).pack())
    change_gone = await iryna.press(HoursChange(weekday=1, start=600, end=700).pack())

    gone = "Відтоді, як зʼявилася ця кнопка, години змінилися. Ось цей день зараз."
    assert BotClient.alerts(again) == [gone]
    assert BotClient.alerts(nonsense) == [gone]
    assert BotClient.alerts(change_gone) == [gone]
    assert await hours_rows(app) == [(day, "10:00", "18:00") for day in range(1, 5)]


async def test_the_session_format_changes_the_free_times_clients_see(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    before = await iryna.click("👀 Вільний час очима клієнтів")
    await iryna.click("« Тиждень")
    shown = await iryna.click("⏱ Тривалість сесії й перерва")
    longer = await iryna.click("90 хв")
    no_break = await iryna.click("перерва 0")
    await iryna.click("« Тиждень")
    after = await iryna.click("👀 Вільний час очима клієнтів")

    assert before[-2].text.splitlines()[:3] == [
        "👀 Ваш найближчий вільний час — так його бачать клієнти (тут у вашому поясі, Київ, UTC+2; "
        "кожен клієнт бачить у своєму):",
        "",
        "Ср, 25 лист.: 11:00, 12:00, 13:00, 14:00, 15:00, 16:00, 17:00",
    ]
    assert before[-2].text.endswith("Клієнти записуються щонайменше за 25 год; у вас зараз 10:00.")
    assert shown[-2].buttons[:4] == ["45 хв", "✓ 50 хв", "60 хв", "90 хв"]
    assert BotClient.alerts(longer) == ["Збережено."]
    assert "✓ 90 хв" in no_break[-2].buttons and "✓ перерва 0" in no_break[-2].buttons
    assert after[-2].text.splitlines()[2] == "Ср, 25 лист.: 11:30, 13:00, 14:30, 16:00"  # 10:00 is within the notice
    # What a client is offered is the same.
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    days = await petro.click("📅 Обрати час")
    times = await petro.click(days[-2].buttons[0])
    assert times[-2].buttons[:4] == ["11:30", "13:00", "14:30", "16:00"]


async def test_without_hours_the_preview_says_so(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, hours=[])
    week = await iryna.send("/hours")
    preview = await iryna.click("👀 Вільний час очима клієнтів")

    assert "Годин ще немає, тож клієнти не можуть до вас записатися." in week[0].text
    assert preview[-2].text.splitlines()[2] == (
        "На найближчі 60 дн. вільного часу немає. Додайте робочі години або перегляньте відпустки."
    )


async def test_an_english_reader_gets_the_week_in_english(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, locale="en")
    replies = await iryna.send("/hours")
    assert replies[0].text.startswith("🗓 Your weekly hours, in your time zone (Kyiv):\nMon: 10:00–18:00")


async def test_a_menu_button_mid_step_opens_its_part_and_the_step_ends(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    await iryna.click("Сб")
    await iryna.click("➕ Додати години")

    vacation = await iryna.send("🏖 Відпустка")
    stray = await iryna.send("9-13")

    assert vacation[0].text.startswith("🏖 Ваші відпустки")
    assert not any("Збережено" in text for text in answers(stray))
    assert (5, "09:00", "13:00") not in await hours_rows(app)


async def test_an_ordinary_week_takes_one_line_and_unreadable_lines_come_back_as_typed(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, hours=[])
    week = await iryna.send("/hours")

    asked = await iryna.click("⌨️ Кілька днів одним рядком")
    first = await iryna.send("Пн–Пт 10:00–18:00\nСб 10-14\nнеділя зранку")
    fixed = await iryna.send("Нд 10-14")

    assert week[0].text.endswith("\nАбо весь тиждень одним повідомленням: натисніть ⌨️ і напишіть, наприклад, Пн–Пт 10:00–18:00.")
    assert answers(asked) == [
        "Напишіть години для кількох днів одразу — по рядку на кожну групу днів, у вашому часовому поясі (Київ). "
        "Наприклад:\nПн–Пт 10:00–18:00\nСб 10:00–14:00\nабо: щодня 9–17\n/cancel — зупинити."
    ]
    assert answers(first) == [
        "✅ Збережено: Пн–Пт, 10:00–18:00.\n✅ Збережено: Сб, 10:00–14:00.\n\n"
        "Ці рядки не вдалося прочитати, тож із них поки нічого не збережено:\n«неділя зранку»\n"
        "У кожному рядку — спершу дні, потім години, як-от Пн–Пт 10:00–18:00 або щодня 9–17. Скопіюйте рядок, "
        "виправте й надішліть знову або натисніть /cancel."
    ]
    assert answers(fixed)[0].startswith(
        "✅ Збережено: Нд, 10:00–14:00.\n\n🗓 Ваші робочі години на тиждень, у вашому часовому поясі (Київ):\n"
        "Пн: 10:00–18:00\nВт: 10:00–18:00\nСр: 10:00–18:00\nЧт: 10:00–18:00\nПт: 10:00–18:00\n"
        "Сб: 10:00–14:00\nНд: 10:00–14:00\n"
    )
    assert len(await hours_rows(app)) == 7


async def test_several_days_in_english_and_typed_on_a_day_too(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, hours=[], locale="en")
    await iryna.send("/hours")
    await iryna.click("⌨️ Several days in one line")
    weekdays = await iryna.send("Mon-Fri 10:00-18:00")
    await iryna.click("Sat")
    await iryna.click("➕ Add hours")
    daily = await iryna.send("daily 9-17")

    assert answers(weekdays)[0].startswith("✅ Saved: Mon–Fri, 10:00–18:00.\n\n🗓 Your weekly hours")
    assert answers(daily)[0].startswith(
        "✅ Saved: Sat, Sun, 09:00–17:00.\n"
        "✖️ Not saved: Mon, 09:00–17:00. That overlaps your hours 10:00–18:00 on Monday. Change those instead, "
        "or type hours that don't overlap.\n"
    )
    assert [row for row in await hours_rows(app) if row[0] >= 5] == [(5, "09:00", "17:00"), (6, "09:00", "17:00")]


async def test_a_days_hours_are_copied_to_the_other_weekdays(app, make_client):
    monday, wednesday = WorkingHours(0, time(10), time(14)), WorkingHours(2, time(9), time(11))
    iryna = await iryna_in_cabinet(app, make_client, hours=[monday, wednesday])
    await iryna.send("/hours")
    await iryna.click("Пн")

    copied = await iryna.click("📋 Скопіювати на інші будні")

    assert answers(copied)[0].startswith(
        "✅ Збережено: Вт, Чт, Пт, 10:00–14:00.\n"
        "✖️ Не збережено: Ср, 10:00–14:00. Це накладається на ваші години 09:00–11:00 на середу."
    )
    assert "\n\n🗓 Ваші робочі години на тиждень" in answers(copied)[0]
    assert await hours_rows(app) == [
        (0, "10:00", "14:00"), (1, "10:00", "14:00"), (2, "09:00", "11:00"), (3, "10:00", "14:00"), (4, "10:00", "14:00"),
    ]
