"""Weekly hours in the cabinet: the week, adding, changing and removing intervals, the session format, the preview."""
from __future__ import annotations

from bot.keyboards.cabinet import HoursChange, HoursRemove
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
        "Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд", "⏱ Тривалість сесії й перерва", "👀 Вільний час очима клієнтів",
    ]


async def test_an_interval_is_typed_and_bad_input_is_explained_while_the_step_waits(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    saturday = await iryna.click("Сб")
    assert saturday[-1].text == "Субота: годин немає. Додайте їх, щоб клієнти могли записатися на цей день."

    asked = await iryna.click("➕ Додати години")
    sticker = await iryna.send_sticker()
    words = await iryna.send("зранку")
    backwards = await iryna.send("13:00-09:00")
    short = await iryna.send("9:00-9:30")
    saved = await iryna.send("9-13")

    prompt = (
        "Напишіть години, які додати на субота, наприклад 09:00-13:00, у вашому часовому поясі (Київ). "
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
    assert saved[0].buttons == ["✏️ 09:00–13:00", "🗑 09:00–13:00", "➕ Додати години", "« Тиждень"]
    assert (5, "09:00", "13:00") in await hours_rows(app)

    await iryna.click("➕ Додати години")
    overlap = await iryna.send("12:00-15:00")
    touching = await iryna.send("13:00-15:00")
    assert answers(overlap)[0].startswith(
        "Це накладається на ваші години 09:00–13:00 на субота. Змініть ті години або напишіть такі, що не накладаються."
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
    assert removed[-1].text.startswith("Понеділок: 14:00–19:00\n")
    assert answers(stopped) == ["Зупинено; ваші години без змін. Їх видно в /hours."]
    assert "✅" not in " ".join(answers(stray))  # the step is over: a stray interval saves nothing
    assert [row for row in await hours_rows(app) if row[0] == 0] == [(0, "14:00", "19:00")]


async def test_a_stale_or_forged_interval_button_changes_nothing(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/hours")
    monday = await iryna.click("Пн")
    await iryna.click("🗑 10:00–18:00", in_reply=monday[-1])

    again = await iryna.click("🗑 10:00–18:00", in_reply=monday[-1])
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

    assert before[-1].text.splitlines()[:3] == [
        "👀 Ваш найближчий вільний час — так його бачать клієнти (тут у вашому поясі, Київ, UTC+2; "
        "кожен клієнт бачить у своєму):",
        "",
        "Ср, 25 лист.: 11:00, 12:00, 13:00, 14:00, 15:00, 16:00, 17:00",
    ]
    assert before[-1].text.endswith("Клієнти записуються щонайменше за 25 год; у вас зараз 10:00.")
    assert shown[-1].buttons[:4] == ["45 хв", "✓ 50 хв", "60 хв", "90 хв"]
    assert BotClient.alerts(longer) == ["Збережено."]
    assert "✓ 90 хв" in no_break[-1].buttons and "✓ перерва 0" in no_break[-1].buttons
    assert after[-1].text.splitlines()[2] == "Ср, 25 лист.: 11:30, 13:00, 14:30, 16:00"  # 10:00 is within the notice
    # What a client is offered is the same.
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    days = await petro.click("📅 Обрати час")
    times = await petro.click(days[-1].buttons[0])
    assert times[-1].buttons[:4] == ["11:30", "13:00", "14:30", "16:00"]


async def test_without_hours_the_preview_says_so(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, hours=[])
    week = await iryna.send("/hours")
    preview = await iryna.click("👀 Вільний час очима клієнтів")

    assert "Годин ще немає, тож клієнти не можуть до вас записатися." in week[0].text
    assert preview[-1].text.splitlines()[2] == (
        "Найближчі 60 днів вільного часу немає. Додайте робочі години або перегляньте відпустки."
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
