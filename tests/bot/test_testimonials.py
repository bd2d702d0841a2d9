"""Testimonials: a community manager adds, edits, orders and removes them; applicants read them in that order."""
from __future__ import annotations

from sqlalchemy import select

from bot.handlers import testimonials as screens  # not imported by name: pytest would take it for a test
from core.staff import StaffRole
from core.usecases.testimonials import add_testimonial
from storage.tables import TestimonialRow as Row
from tests.bot import staff_support
from tests.bot.staff_support import STAFFER, give
from tests.support.bot_client import BotClient

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper


async def community_manager(app, make_client) -> BotClient:
    maria = make_client(STAFFER, "Maria")
    await maria.send("/start")
    await give(app, STAFFER, StaffRole.COMMUNITY_MANAGER)
    return maria


async def stored(app) -> list[tuple[str, str, int]]:
    async with app.sessions() as db:
        rows = (await db.scalars(select(Row).order_by(Row.position))).all()
    return [(row.author, row.text, row.position) for row in rows]


async def seed(app, *pairs: tuple[str, str]) -> None:
    for author, text in pairs:
        async with app.unit_of_work() as uow:
            await add_testimonial(uow, app.clock, author=author, text=text)


async def test_a_testimonial_is_added_in_two_steps_and_bad_input_keeps_the_step(app, make_client):
    maria = await community_manager(app, make_client)
    empty = await maria.send("/testimonials")
    await maria.click("➕ Додати відгук")
    sticker = await maria.send_sticker()
    too_long = await maria.send("Дуже " * 250)
    asked_author = await maria.send("Тут у мене є клієнти й час для них, а не для пошуку клієнтів.")
    added = await maria.send("Ірина, психотерапевтка, КПТ")

    assert empty[0].text.startswith("Відгуків поки немає.")
    assert sticker[0].text.startswith("Будь ласка, надішліть це текстом.\nНадішліть текст відгуку")
    assert too_long[0].text == "Символів тут: 1249, а можна щонайбільше 1000. Будь ласка, скоротіть."
    assert asked_author[0].text.startswith("Хто це сказав?")
    assert added[0].text == "Додано; відгук показується останнім. Перемістіть його стрілками."
    assert added[1].text == (
        "«Тут у мене є клієнти й час для них, а не для пошуку клієнтів.»\n— Ірина, психотерапевтка, КПТ\n\n1-й з 1."
    )
    assert added[1].buttons == ["✏️ Текст", "✏️ Автор", "⬆️ Вище", "⬇️ Нижче", "🗑 Видалити", "« Усі відгуки"]
    assert await stored(app) == [
        ("Ірина, психотерапевтка, КПТ", "Тут у мене є клієнти й час для них, а не для пошуку клієнтів.", 1)
    ]


async def test_text_and_author_are_edited(app, make_client):
    await seed(app, ("Iryna", "Good place."))
    maria = await community_manager(app, make_client)
    await maria.send("/testimonials")
    await maria.click("1. Iryna")
    await maria.click("✏️ Текст")
    await maria.send("Тут добре працювати.")
    await maria.click("✏️ Автор")
    saved = await maria.send("Ірина Коваленко")

    assert saved[0].text == "Збережено."
    assert await stored(app) == [("Ірина Коваленко", "Тут добре працювати.", 1)]


async def test_order_changes_with_the_arrows_and_applicants_read_that_order(app, make_client):
    await seed(app, ("Iryna", "First."), ("Oleh", "Second."), ("Nadia", "Third."))
    maria = await community_manager(app, make_client)
    await maria.send("/testimonials")
    await maria.click("3. Nadia")
    up = await maria.click("⬆️ Вище")
    top = await maria.click("⬆️ Вище")
    edge = await maria.click("⬆️ Вище")

    assert BotClient.alerts(up) == ["Переміщено вище."]
    assert BotClient.texts_of(top)[-1].endswith("1-й з 3.")
    assert BotClient.texts_of(edge)[-1].endswith("1-й з 3.")
    assert [author for author, _, _ in await stored(app)] == ["Nadia", "Iryna", "Oleh"]
    async with app.unit_of_work() as uow:
        with app.i18n.context(), app.i18n.use_locale("uk"):
            ukrainian = await screens.testimonials_text(uow)
        with app.i18n.context(), app.i18n.use_locale("en"):
            english = await screens.testimonials_text(uow)
    assert ukrainian == (
        "Що кажуть терапевти про роботу з нами:\n\n«Third.»\n— Nadia\n\n«First.»\n— Iryna\n\n«Second.»\n— Oleh"
    )
    assert english.startswith("What therapists say about working with us:\n\n«Third.»")


async def test_removal_asks_first_and_a_stale_button_is_answered(app, make_client):
    await seed(app, ("Iryna", "First."), ("Oleh", "Second."))
    maria = await community_manager(app, make_client)
    await maria.send("/testimonials")
    await maria.click("2. Oleh")
    ask = await maria.click("🗑 Видалити")
    kept = await maria.click("Ні, залишити")
    await maria.click("🗑 Видалити")
    removed = await maria.click("Так, видалити")
    stale = await maria.click("Так, видалити", in_reply=ask[-2])

    assert BotClient.texts_of(ask)[-1] == "Видалити відгук? Автор — Oleh. Кандидати більше його не бачитимуть."
    assert BotClient.texts_of(kept)[-1].startswith("«Second.»")
    assert BotClient.alerts(removed) == ["Видалено."]
    assert BotClient.texts_of(removed)[-1].startswith("Відгуки, які кандидати бачать у «чому варто долучитися», у такому порядку:\n1. «First.» — Iryna")
    assert BotClient.alerts(stale) == ["Цей відгук уже видалено. Актуальний список — /testimonials."]
    assert await stored(app) == [("Iryna", "First.", 1)]


async def test_no_testimonials_means_nothing_to_show_applicants(app):
    async with app.unit_of_work() as uow:
        assert await screens.testimonials_text(uow) == ""


async def test_applicants_read_the_testimonials_when_they_ask_why_join(app, make_client):
    await seed(app, ("Iryna, CBT", "Clients find me here, and I choose whom to take."))
    replies = await make_client(1009, "Oksana").send("/apply")

    assert replies[0].text.endswith(
        "Що кажуть терапевти про роботу з нами:\n\n«Clients find me here, and I choose whom to take.»\n— Iryna, CBT"
    )
