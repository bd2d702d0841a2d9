"""The cabinet's overview, pausing new clients, and the personal brand."""
from __future__ import annotations

from bot.keyboards.booking import Confirm, unix
from core.usecases.booking import accept_request, request_booking
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, add_person, add_therapist, stored, utc
from tests.bot.cabinet_support import answers, iryna_in_cabinet, profile_of
from tests.support.bot_client import BotClient

app, sleeper = booking_support.app, booking_support.sleeper


async def booked(app, client_id: int, starts_at):
    policy = app.settings.booking_policy()
    async with app.unit_of_work() as uow:
        booking = await request_booking(uow, app.clock, client_id=client_id, therapist_id=IRYNA, starts_at=starts_at, policy=policy)
    async with app.unit_of_work() as uow:
        return await accept_request(uow, app.clock, therapist_id=IRYNA, booking_id=booking.id, version=1, policy=policy)


async def test_the_overview_opens_every_part_of_the_cabinet(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client, hours=[])

    overview = await iryna.send("/cabinet")
    hours = await iryna.click("🗓 Години")
    back = await iryna.send("/cabinet")
    month = await iryna.click("📊 Цей місяць", in_reply=back[0])

    assert overview[0].text == (
        "🧑‍⚕️ Ваш кабінет, Iryna Kovalenko\n\n"
        "🟢 Профіль активний: клієнти знаходять вас у каталозі й можуть записатися на сесію.\n\n"
        "🗓 Робочі години ще не задано. Клієнти зможуть записуватися, щойно ви їх додасте.\n\n"
        "🏖 Відпустку не заплановано.\n\n"
        "🎥 Місце зустрічі: нова приватна кімната для кожної сесії на https://meet.jit.si."
    )
    assert overview[0].buttons == ["🗓 Години", "🏖 Відпустка", "👤 Профіль", "📊 Цей місяць", "🎥 Місце зустрічі"]
    assert hours[-2].text.startswith("🗓 Ваші робочі години на тиждень")
    assert BotClient.texts_of(month)[0].startswith("📊 Ваш місяць від 1 листопада 2026 (Київ, UTC+2)\nПроведено сесій: 0")
    assert "Нічого не чекає на виплату." in BotClient.texts_of(month)[0]


async def test_pausing_stops_new_clients_keeps_booked_sessions_and_resuming_brings_them_back(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    existing = await booked(app, OLENA, utc(2026, 11, 26, 10))
    petro = make_client(PETRO, "Petro")
    await petro.send("/start t_iryna")
    days = await petro.click("📅 Обрати час")

    await iryna.send("/profile")
    paused = await iryna.click("⏸ Призупинити нових клієнтів")
    directory = await petro.send("/find")
    link = await petro.send("/start t_iryna")
    slot = utc(2026, 11, 25, 10)
    forged = await petro.press(Confirm(therapist_id=IRYNA, at=unix(slot)).pack(), days[-1])
    overview = await iryna.send("/cabinet")

    assert BotClient.alerts(paused) == ["Пауза діє одразу: вас уже немає в каталозі. Заплановані сесії лишаються."]
    assert "⏸ Пауза: вас немає в каталозі, і ніхто не може записатися на нову сесію." in paused[-2].text
    assert paused[-2].text.endswith("Пауза й відновлення діють одразу.")
    assert "чекає" not in paused[-1].text
    assert "▶️ Знову приймати нових клієнтів" in paused[-2].buttons
    assert (await profile_of(app)).accepting_clients is False
    assert "Iryna" not in directory[0].text
    assert answers(link)[0].startswith("За цим посиланням немає терапевта, який зараз приймає клієнтів.")
    assert "Цей терапевт зараз не приймає нових клієнтів." in " ".join(answers(forged))
    assert (await stored(app, existing.id)).active
    assert "⏸ Пауза" in overview[0].text

    resumed = await iryna.click("▶️ Знову приймати нових клієнтів", in_reply=paused[-2])
    listed = await petro.send("/find")
    assert BotClient.alerts(resumed) == ["Відтепер ви знову приймаєте нових клієнтів."]
    assert "Знайдено: 1" in listed[0].text


async def test_pausing_in_english_says_it_took_effect_at_once(app, make_client):
    await add_therapist(app, locale="en")
    iryna = make_client(IRYNA, "Iryna", "en")
    await iryna.send("/profile")

    paused = await iryna.click("⏸ Pause new clients")

    assert BotClient.alerts(paused) == ["Paused right away: you are out of the directory. Your booked sessions stay."]
    assert paused[-2].text.endswith(
        "Changes to your text, price, topics, approaches and photo go to the platform's team first and show once "
        "they approve them. Pausing and resuming take effect at once."
    )


async def test_her_link_invites_clients_and_colleagues_and_media_is_her_choice(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/profile")
    brand = await iryna.click("🔗 Моє посилання, відео й подкасти")
    joined = await iryna.click("🎬 Брати участь у відео, подкастах і статтях")
    left = await iryna.click("🚫 Більше не брати участі в медіа")

    assert brand[-2].text == (
        "🔗 Ваша власна сторінка на платформі: http://127.0.0.1:8080/t/iryna\n"
        "У Telegram: https://t.me/therapy_test_bot?start=t_iryna\n\n"
        "Поширюйте її на своєму сайті, у соцмережах чи в підписі листа: хто її відкриє, потрапить у ваш профіль "
        "і зможе записатися до вас.\n\n"
        "Знаєте колегу, якому підійде платформа? Це посилання починає його заявку: "
        "https://t.me/therapy_test_bot?start=ref_iryna\n\n"
        "🎬 Відео, подкасти й статті: зараз ви не берете участі. Участь добровільна й безкоштовна."
    )
    assert BotClient.alerts(joined) == ["Записали: запросимо, щойно буде проєкт для вас."]
    assert joined[-2].text.endswith("🎬 Відео, подкасти й статті: ви берете участь. Запросимо, щойно буде проєкт для вас.")
    assert BotClient.alerts(left) == ["Записали: запрошень не буде."]
    assert (await profile_of(app)).media_opt_in is False
    await iryna.click("🎬 Брати участь у відео, подкастах і статтях", in_reply=left[-2])
    assert (await profile_of(app)).media_opt_in is True
