"""The pages in a real browser: Debian's Chromium driven by Playwright, on a phone and on a desktop.

Screenshots of every page are kept under test-artifacts/web/ (or $TEST_ARTIFACTS/web/), whatever the outcome: look
at them to judge the pages. Without /usr/bin/chromium the tests are skipped on a developer's machine and fail in CI,
whose `.ci/run` installs it.
"""
from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from playground.bot_api import FakeTelegram
from tests.bot.booking_support import add_therapist
from tests.conftest import make_settings
from tests.support.bot_process import REPO_ROOT
from tests.web.conftest import BOT, FIRST_FREE, serving

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", REPO_ROOT / "test-artifacts")) / "web"
VIEWPORTS: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect  # noqa: E402


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def site(database_url, clock, tmp_path: Path, browser: Browser) -> AsyncIterator[tuple[App, str]]:
    """The production pages on a real port, a therapist with a photo that Telegram (the local Bot API) holds."""
    portrait = await _portrait(browser)
    async with FakeTelegram() as telegram:
        telegram.add_file("photo-of-iryna", len(portrait), kind="photo", content=portrait)
        settings = make_settings(database_url, telegram_api_base=telegram.base_url, photo_cache_dir=str(tmp_path / "photos"))
        async with serving(settings, clock) as (app, pages):
            await add_therapist(
                app,
                photo_file_id="photo-of-iryna",
                about="I help adults with anxiety and with the weight of loss.\n\n"
                "My notes: https://example.org/" + "a-very-long-unbroken-address-" * 6,
                topics=["anxiety", "grief", "relationships", "burnout", "self_esteem"],
                approaches=["cbt", "schema"],
            )
            await add_therapist(app, 2003, "Oksana Melnyk", price_minor=90_000, topics=["relationships"], languages=["uk"])
            yield app, str(pages.make_url("")).rstrip("/")


async def _portrait(browser: Browser) -> bytes:
    """A real JPEG, as Telegram stores photos, made by the browser itself."""
    page = await browser.new_page(viewport={"width": 320, "height": 320})
    await page.set_content('<body style="margin:0;background:linear-gradient(135deg,#9cc9b9,#2f6f62)"></body>')
    picture = await page.screenshot(type="jpeg", quality=80)
    await page.close()
    return picture


async def _open(
    browser: Browser, url: str, viewport: ViewportSize, zone: str, locale: str = "uk-UA", status: int = 200
) -> tuple[Page, list[str]]:
    context = await browser.new_context(viewport=viewport, timezone_id=zone, locale=locale, is_mobile=viewport["width"] < 500)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    response = await page.goto(url, wait_until="load")
    assert response is not None and response.status == status, url
    return page, problems


async def _scrolls_sideways(page: Page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


async def _keep(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("device", VIEWPORTS)
async def test_the_landing_on_a_phone_and_a_desktop(site, browser: Browser, device: str):
    _app, base = site
    page, problems = await _open(browser, f"{base}/t/iryna", VIEWPORTS[device], "America/New_York")

    assert await page.locator("h1").inner_text() == "Iryna Kovalenko"
    assert (await page.locator(".price").inner_text()).replace("\xa0", " ") == "1 200 ₴ за 50-хвилинну сесію"
    book = page.locator("#book")
    assert await book.is_visible()
    assert await book.get_attribute("href") == f"https://t.me/{BOT}?start=t_iryna"
    note = page.locator("#zone-note")
    await expect(note).to_have_text(re.compile(r"^Ваш часовий пояс: Нью-Йорк, UTC−5\. "))  # the city, in Ukrainian
    first = page.locator("time").first
    assert "04:00" in await first.inner_text()  # 09:00 UTC read in New York
    assert await first.locator("xpath=..").get_attribute("href") == f"https://t.me/{BOT}?start=b_iryna_{int(FIRST_FREE.timestamp())}"
    portrait = page.locator("img.portrait")
    assert await portrait.evaluate("image => image.complete && image.naturalWidth > 0")
    assert not await _scrolls_sideways(page)
    await _keep(page, f"landing-{device}")
    assert problems == []


async def test_times_and_the_zone_note_follow_the_browsers_time_zone(site, browser: Browser):
    """The note names the zone by its city as it is called today (a browser may say the legacy Europe/Kiev), and
    a browser in UTC reads «UTC», not «UTC, UTC»."""
    _app, base = site
    for zone, locale, note, first in (
        ("Europe/Kiev", "uk-UA", "Ваш часовий пояс: Київ, UTC+2.", "11:00"),
        ("Asia/Tokyo", "en-US", "Your time zone: Tokyo, UTC+9.", re.compile("18:00|06:00 PM")),
        ("UTC", "en-US", "Your time zone: UTC.", re.compile("09:00|09:00 AM")),
    ):
        page, problems = await _open(browser, f"{base}/t/iryna", VIEWPORTS["phone"], zone, locale=locale)
        await expect(page.locator("#zone-note")).to_have_text(re.compile("^" + re.escape(note) + " "))
        await expect(page.locator("time").first).to_contain_text(first)
        assert problems == []


@pytest.mark.parametrize("device", VIEWPORTS)
async def test_the_directory_and_the_page_for_specialists(site, browser: Browser, device: str):
    _app, base = site
    directory, problems = await _open(browser, f"{base}/therapists", VIEWPORTS[device], "Europe/Kyiv")
    assert await directory.locator("h1").inner_text() == "Знайти терапевта"
    cards = directory.locator(".card")
    await expect(cards.locator(".card-name")).to_have_text(["Iryna Kovalenko", "Oksana Melnyk"])
    # The browser may call Kyiv by its legacy name; the page says the city as it is called today.
    await expect(directory.locator("#zone-note")).to_have_text("Час указано у вашому часовому поясі: Київ, UTC+2.")
    iryna, oksana = cards.nth(0), cards.nth(1)
    assert await iryna.locator("img.avatar").evaluate("image => image.complete && image.naturalWidth > 0")
    await expect(oksana.locator(".avatar.initials")).to_have_text("OM")  # no photo: her initials
    for card in (iryna, oksana):
        await expect(card.locator(".avatar")).to_be_visible()
        await expect(card.locator(".card-line").first).to_have_text("8 років практики")
        await expect(card.locator(".card-next time")).to_have_text(re.compile(r"^ср, 25 лист\.?, 11:00$"))
        book = card.get_by_role("link", name="Забронювати в Telegram")
        await expect(book).to_be_visible()
    await expect(iryna.locator(".card-bio")).to_have_text("I help adults with anxiety and with the weight of loss.")
    assert await iryna.get_by_role("link", name="Забронювати в Telegram").get_attribute("href") == f"https://t.me/{BOT}?start=t_iryna"
    assert not await _scrolls_sideways(directory)
    await _keep(directory, f"directory-{device}")

    await directory.locator("summary", has_text="Тема").click()
    await directory.get_by_role("link", name="Вигорання", exact=True).click()  # a plain link: no script involved
    assert "topic=burnout" in directory.url
    assert await directory.locator(".card-name").all_inner_texts() == ["Iryna Kovalenko"]
    await directory.get_by_role("link", name="Iryna Kovalenko").click()
    assert await directory.locator("h1").inner_text() == "Iryna Kovalenko"

    specialists, more = await _open(browser, f"{base}/for-specialists?ref=iryna2026", VIEWPORTS[device], "Europe/Kyiv")
    apply = specialists.get_by_role("link", name="Подати заявку в Telegram").first
    assert await apply.get_attribute("href") == f"https://t.me/{BOT}?start=ref_iryna2026"
    await expect(specialists.locator("#fee")).to_contain_text("Платформа залишає собі 20% від ціни кожної сесії")
    await expect(specialists.locator(".figures")).to_have_count(0)  # two specialists: too few for any figure
    assert not await _scrolls_sideways(specialists)
    await _keep(specialists, f"for-specialists-{device}")
    assert problems == [] and more == []


async def test_the_kind_page_and_the_page_not_found(site, browser: Browser):
    app, base = site
    async with app.unit_of_work() as uow:
        oksana = await uow.therapists.get(2003)
        assert oksana is not None
        oksana.accepting_clients = False
        await uow.therapists.save(oksana)
        await uow.commit()

    away, problems = await _open(browser, f"{base}/t/oksana", VIEWPORTS["phone"], "Europe/Kyiv")
    assert "Зараз не приймає нових клієнтів" in await away.locator("main").inner_text()
    await _keep(away, "away-phone")
    missing, more = await _open(browser, f"{base}/t/nobody?lang=en", VIEWPORTS["phone"], "Europe/Kyiv", status=404)
    assert await missing.locator("h1").inner_text() == "Page not found"
    await _keep(missing, "not-found-phone")
    assert problems == []
    # The browser itself reports the 404 of the page it was asked for; nothing else may fail.
    assert [problem for problem in more if "404" not in problem] == []
