"""`make demo` on a laptop's screen (1280×800): no sideways scroll, the chats that fit and a bar for the others, each
person's "/" menu as the bot set it, and a time picked on the web pages opening the demo's own chat (not t.me).
"""
from __future__ import annotations

from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.demo.conftest import RunningDemo, browser_tests, screenshot

pytestmark = browser_tests

WAIT = 30_000  # ms a real bot process on a loaded machine gets to answer
LAPTOP: ViewportSize = {"width": 1280, "height": 800}


async def scrolls_sideways(page: Page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


async def test_a_laptop_sees_the_chats_that_fit_their_menus_and_the_web_pages_links(browser: Browser, demo: RunningDemo):
    context = await browser.new_context(viewport=LAPTOP, locale="uk-UA", timezone_id="Europe/Kyiv")
    page = await context.new_page()
    try:
        await page.goto(demo.url)
        people = page.locator("#people button")
        await expect(people).to_have_count(5)
        shown = page.locator(".chat:visible")
        await expect(shown).to_have_count(4)  # 4 × 300 px and more fit in 1280; Ніна waits in the people bar
        assert not await scrolls_sideways(page)
        widths = await shown.evaluate_all("chats => chats.map(chat => chat.getBoundingClientRect().width)")
        assert min(widths) >= 300, widths
        await expect(page.locator('[data-persona="admin"]')).to_be_hidden()

        # Ніна comes in at the people bar's tap, in place of the chat chosen longest ago; her menu is an admin's.
        await page.locator('#people button[data-person="admin"]').click()
        nina = page.locator('[data-persona="admin"]')
        await expect(nina).to_be_visible()
        await expect(shown).to_have_count(4)
        await nina.get_by_role("button", name="Почати").click()
        await expect(nina.locator(".msg.bot").first).to_be_visible(timeout=WAIT)
        await nina.get_by_role("button", name="Меню").click()
        await expect(nina.locator(".command-menu")).to_contain_text("/applications", timeout=WAIT)
        await screenshot(page, "laptop-1-admin-menu")
        await nina.locator(".command-menu button", has_text="/applications").click()
        answer = nina.locator(".msg.mine:has-text('/applications') ~ .msg.bot").first
        await expect(answer).to_be_visible(timeout=WAIT)  # the bot answered the command

        therapist = page.locator('[data-persona="therapist"]')
        await therapist.get_by_role("button", name="Почати").click()
        await expect(therapist.locator(".msg.bot").first).to_be_visible(timeout=WAIT)
        await therapist.get_by_role("button", name="Меню").click()
        await expect(therapist.locator(".command-menu")).to_contain_text("/hours", timeout=WAIT)
        assert "/applications" not in await therapist.locator(".command-menu").inner_text()

        # A time on the web pages: the demo's links lead back here and ask whose chat opens it.
        state = await (await page.request.get(f"{demo.url}/api/state")).json()
        await page.goto(f"{state['web']}/therapists")
        time_link = page.locator(".card-next a").first
        href = await time_link.get_attribute("href") or ""
        assert href.startswith(f"{demo.url}/?start=b_"), href
        assert not await scrolls_sideways(page)
        await time_link.click()
        await expect(page.locator("#link-opener")).to_be_visible(timeout=WAIT)
        await page.locator('#link-people button[data-person="newyork"]').click()
        emily = page.locator('[data-persona="newyork"]')
        await expect(emily).to_be_visible()
        await expect(emily.locator(".keyboard button", has_text="Book").last).to_be_visible(timeout=WAIT)
        assert "start=" not in page.url
        assert not await scrolls_sideways(page)
        await screenshot(page, "laptop-2-web-link-opened")
    finally:
        await context.close()
