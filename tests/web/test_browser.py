"""The pages in a real browser: Debian's Chromium driven by Playwright, on a phone and on a desktop.

Screenshots of every page land in the test's tmp dir (pytest prints it on failure; look at them to judge
the pages). Without /usr/bin/chromium the tests are skipped on a developer's machine and fail in CI,
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
from tests.web.conftest import BOT, FIRST_FREE, serving

CHROMIUM = "/usr/bin/chromium"
VIEWPORTS: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.async_api import Browser, Page, ViewportSize, async_playwright  # noqa: E402


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


@pytest.mark.parametrize("device", VIEWPORTS)
async def test_the_landing_on_a_phone_and_a_desktop(site, browser: Browser, device: str, tmp_path: Path):
    _app, base = site
    page, problems = await _open(browser, f"{base}/t/iryna", VIEWPORTS[device], "America/New_York")

    assert await page.locator("h1").inner_text() == "Iryna Kovalenko"
    assert (await page.locator(".price").inner_text()).replace("\xa0", " ") == "1 200 ₴ за 50-хвилинну сесію"
    book = page.locator("#book")
    assert await book.is_visible()
    assert await book.get_attribute("href") == f"https://t.me/{BOT}?start=t_iryna"
    first = page.locator("time").first
    assert "04:00" in await first.inner_text()  # 09:00 UTC read in New York
    assert await first.locator("xpath=..").get_attribute("href") == f"https://t.me/{BOT}?start=b_iryna_{int(FIRST_FREE.timestamp())}"
    note = await page.locator("#zone-note").inner_text()
    assert re.match(r"Ваш часовий пояс: New York, UTC−[45]\. ", note), note  # −4 in summer by the browser's own date
    portrait = page.locator("img.portrait")
    assert await portrait.evaluate("image => image.complete && image.naturalWidth > 0")
    assert not await _scrolls_sideways(page)
    await page.screenshot(path=str(tmp_path / f"landing-{device}.png"), full_page=True)
    assert problems == []


async def test_times_follow_the_browsers_time_zone(site, browser: Browser):
    _app, base = site
    shown = {}
    for zone in ("Europe/Kyiv", "Asia/Tokyo", "America/Los_Angeles"):
        page, problems = await _open(browser, f"{base}/t/iryna?lang=en", VIEWPORTS["phone"], zone, locale="en-US")
        shown[zone] = await page.locator("time").first.inner_text()
        assert problems == []
    assert "11:00" in shown["Europe/Kyiv"]
    assert "18:00" in shown["Asia/Tokyo"] or "06:00 PM" in shown["Asia/Tokyo"]
    assert "01:00" in shown["America/Los_Angeles"]


@pytest.mark.parametrize("device", VIEWPORTS)
async def test_the_directory_and_the_page_for_specialists(site, browser: Browser, device: str, tmp_path: Path):
    _app, base = site
    directory, problems = await _open(browser, f"{base}/therapists", VIEWPORTS[device], "Europe/Kyiv")
    assert await directory.locator("h1").inner_text() == "Знайти терапевта"
    assert await directory.locator(".card-name").all_inner_texts() == ["Iryna Kovalenko", "Oksana Melnyk"]
    assert not await _scrolls_sideways(directory)
    await directory.screenshot(path=str(tmp_path / f"directory-{device}.png"), full_page=True)

    await directory.locator("summary", has_text="Тема").click()
    await directory.get_by_role("link", name="Вигорання", exact=True).click()  # a plain link: no script involved
    assert "topic=burnout" in directory.url
    assert await directory.locator(".card-name").all_inner_texts() == ["Iryna Kovalenko"]
    await directory.get_by_role("link", name="Iryna Kovalenko").click()
    assert await directory.locator("h1").inner_text() == "Iryna Kovalenko"

    specialists, more = await _open(browser, f"{base}/for-specialists?ref=iryna2026", VIEWPORTS[device], "Europe/Kyiv")
    apply = specialists.get_by_role("link", name="Подати заявку в Telegram").first
    assert await apply.get_attribute("href") == f"https://t.me/{BOT}?start=ref_iryna2026"
    assert not await _scrolls_sideways(specialists)
    await specialists.screenshot(path=str(tmp_path / f"for-specialists-{device}.png"), full_page=True)
    assert problems == [] and more == []


async def test_the_kind_page_and_the_page_not_found(site, browser: Browser, tmp_path: Path):
    app, base = site
    async with app.unit_of_work() as uow:
        oksana = await uow.therapists.get(2003)
        assert oksana is not None
        oksana.accepting_clients = False
        await uow.therapists.save(oksana)
        await uow.commit()

    away, problems = await _open(browser, f"{base}/t/oksana", VIEWPORTS["phone"], "Europe/Kyiv")
    assert "Зараз не приймає нових клієнтів" in await away.locator("main").inner_text()
    await away.screenshot(path=str(tmp_path / "away-phone.png"), full_page=True)
    missing, more = await _open(browser, f"{base}/t/nobody?lang=en", VIEWPORTS["phone"], "Europe/Kyiv", status=404)
    assert await missing.locator("h1").inner_text() == "Page not found"
    await missing.screenshot(path=str(tmp_path / "not-found-phone.png"), full_page=True)
    assert problems == []
    # The browser itself reports the 404 of the page it was asked for; nothing else may fail.
    assert [problem for problem in more if "404" not in problem] == []
