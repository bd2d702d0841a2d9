"""`make demo` in a real browser: the Kyiv client books the demo therapist, the therapist accepts, the client pays
(test), both chats read «Оплата пройшла успішно», the reminders come as the clock moves and the session is held;
an unpaid booking expires on both sides when the clock moves a day.

Everything goes through the page as a person would use it: clicks on the
chats' buttons, the reply keyboard, "Pay (test)" and the clock's buttons.
"""
from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from tests.demo.conftest import RunningDemo, browser_tests, screenshot

pytestmark = browser_tests

PAID = "Оплата пройшла успішно"
WAIT = 30_000  # ms a real bot process on a loaded machine gets to answer
DAYS_TRIED = 7  # the first free time is at most a week ahead: its deadline passes within that many "+1 day"


def chat(page: Page, key: str) -> Locator:
    return page.locator(f'[data-persona="{key}"]')


def bot_says(where: Locator, text: str) -> Locator:
    return where.locator(".msg.bot", has_text=text).last


async def tap(where: Locator, text: str) -> None:
    """Press the newest inline button with this text, once the bot has shown it."""
    button = where.locator(".keyboard button", has_text=text).last
    await expect(button).to_be_visible(timeout=WAIT)
    await button.click()


async def book_the_first_free_time(page: Page) -> None:
    """As Олена in Kyiv: start, keep her zone (Kyiv), find Ірина Коваленко, take her first free day and time, book.

    A first session is a request: a topic of Ірина's, no note, and Олена's name for therapists, her Telegram one.
    """
    olena = chat(page, "kyiv")
    await olena.get_by_role("button", name="Почати").click()
    await tap(olena, "Так, залишити")
    await expect(bot_says(olena, "Готово, ваш часовий пояс —")).to_be_visible(timeout=WAIT)
    await olena.locator(".reply-keyboard button", has_text="Знайти терапевта").click()
    await expect(bot_says(olena, "Знайдено: 6")).to_be_visible(timeout=WAIT)
    await tap(olena, "Ірина Коваленко · 1 200 ₴")
    await tap(olena, "Обрати час")
    await expect(bot_says(olena, "Оберіть день")).to_be_visible(timeout=WAIT)
    await olena.locator(".keyboard").last.locator("button").first.click()  # the first free day
    await expect(bot_says(olena, "оберіть час")).to_be_visible(timeout=WAIT)
    await olena.locator(".keyboard").last.locator("button").first.click()  # its first free time
    await tap(olena, "Записатися")
    await expect(bot_says(olena, "З чим ви хотіли б попрацювати?")).to_be_visible(timeout=WAIT)
    await tap(olena, "Тривога")
    await expect(olena.locator(".keyboard button", has_text="✅ Тривога").last).to_be_visible(timeout=WAIT)
    await tap(olena, "Готово")
    await expect(bot_says(olena, "Її прочитає лише цей терапевт.")).to_be_visible(timeout=WAIT)
    await tap(olena, "Пропустити")
    await expect(bot_says(olena, "яке ім'я бачитиме терапевт?")).to_be_visible(timeout=WAIT)
    await tap(olena, "Показувати моє ім'я з Telegram")
    await expect(bot_says(olena, "Ваш запит на")).to_be_visible(timeout=WAIT)


async def the_therapist_accepts(page: Page) -> None:
    iryna = chat(page, "therapist")
    await expect(bot_says(iryna, "Новий запит на сесію")).to_be_visible(timeout=WAIT)
    await tap(iryna, "Прийняти")
    await expect(bot_says(iryna, "Тримайте цей час для клієнта")).to_be_visible(timeout=WAIT)
    invoice = chat(page, "kyiv").locator(".msg.bot", has=page.locator(".invoice")).last
    await expect(invoice).to_contain_text("1 200,00 ₴", timeout=WAIT)


async def test_find_book_accept_and_pay_in_the_browser(page: Page, demo: RunningDemo) -> None:
    await expect(page.locator(".chat")).to_have_count(5)
    await book_the_first_free_time(page)
    await screenshot(page, "1-booked")
    await the_therapist_accepts(page)

    olena = chat(page, "kyiv")
    await screenshot(page, "2-invoice")
    await olena.get_by_role("button", name="Сплатити (тест)").last.click()

    await expect(bot_says(olena, PAID)).to_be_visible(timeout=WAIT)
    await expect(bot_says(chat(page, "therapist"), PAID)).to_be_visible(timeout=WAIT)
    await expect(olena.get_by_role("button", name="Оплачено ✓")).to_be_disabled()
    await expect(olena.locator(".service", has_text="Ви сплатили 1 200,00 ₴")).to_be_visible()
    await screenshot(page, "3-paid")
    # Once on each side, however the page refreshed meanwhile (the therapist's confirmation quotes the phrase too).
    assert await olena.locator(".msg.bot .text").get_by_text(PAID, exact=True).count() == 1
    assert await chat(page, "therapist").locator(".msg.bot .text").get_by_text(PAID, exact=True).count() == 1

    # Tomorrow's reminder today, then the last one, then the session is held.
    iryna = chat(page, "therapist")
    await page.locator('.clock-btn[data-action="day_before_session"]').click()
    await expect(bot_says(olena, "— ваша сесія: Ірина Коваленко")).to_be_visible(timeout=WAIT)
    await expect(bot_says(iryna, "— ваша сесія: Олена")).to_be_visible(timeout=WAIT)
    await page.locator('.clock-btn[data-action="hour_before_session"]').click()
    await expect(bot_says(olena, "⏰ Через 1 годину")).to_be_visible(timeout=WAIT)
    await expect(bot_says(iryna, "⏰ Через 1 годину")).to_be_visible(timeout=WAIT)
    for _ in range(2):  # the session starts in an hour and lasts 50 minutes
        await page.locator('.clock-btn[data-action="hour"]').click()
    await expect(bot_says(iryna, "завершилася й записана як проведена")).to_be_visible(timeout=WAIT)
    await screenshot(page, "4-reminders-and-held")


async def test_an_unpaid_booking_expires_on_both_sides_as_days_pass(page: Page, demo: RunningDemo) -> None:
    await book_the_first_free_time(page)
    await the_therapist_accepts(page)
    olena, iryna = chat(page, "kyiv"), chat(page, "therapist")
    expired_for_olena = bot_says(olena, "не оплачено вчасно, тож її скасовано")
    expired_for_iryna = bot_says(iryna, "НЕ оплачено, тож її скасовано. Будь ласка, не чекайте")
    before = await page.locator("#clock-kyiv").text_content()

    for _ in range(DAYS_TRIED):
        await page.locator('.clock-btn[data-action="day"]').click()
        try:
            await expect(expired_for_olena).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            continue
    await expect(expired_for_olena).to_be_visible(timeout=WAIT)
    await expect(expired_for_iryna).to_be_visible(timeout=WAIT)
    assert await page.locator("#clock-kyiv").text_content() != before
    await screenshot(page, "5-expired")
    # The old invoice can no longer be paid: the bot declines the pre-checkout, Telegram shows why, nothing is charged.
    await olena.get_by_role("button", name="Сплатити (тест)").last.click()
    await expect(olena.locator(".toast")).to_be_visible(timeout=WAIT)
    await screenshot(page, "6-late-payment-declined")
    assert (await olena.locator(".toast").text_content() or "").strip()
    await expect(olena.get_by_role("button", name="Сплатити (тест)").last).to_be_enabled()
    await expect(olena.locator(".msg.bot .text").get_by_text(PAID, exact=True)).to_have_count(0)
