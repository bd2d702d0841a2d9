"""The web pages end to end: the real bot process serves them next to polling, and a time picked on a
therapist's page opens booking at that time in the chat."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import aiohttp

from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.users import Role, User
from playground.bot_api import FakeTelegram
from tests.e2e.test_admin_e2e import seeded
from tests.support import platform_month
from tests.web.page import Page

LESIA = 2100
MARTA = 1003


def lesia(now: datetime) -> tuple[User, TherapistProfile]:
    user = User(LESIA, "Lesia", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True)
    profile = TherapistProfile(
        telegram_id=LESIA, full_name="Lesia Marchenko", about="I work with burnout and with <grief>.",
        education="Lviv University, clinical psychology.", experience_years=5, price_minor=110_000,
        timezone="Europe/Kyiv", topics=["burnout", "grief"], approaches=["gestalt"], languages=["uk"],
        share_code="lesia", verified=True, hours=[WorkingHours(day, time(0), time(23)) for day in range(7)],
    )
    return user, profile


async def test_the_process_serves_the_pages_and_a_time_on_the_page_books_in_the_chat(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    now = datetime.now(UTC)
    user, profile = lesia(now)

    async def write(uow) -> None:
        await platform_month.seed(uow, now)
        await uow.users.add(user)
        await uow.therapists.add(profile)
        await uow.commit()

    await seeded(e2e_database_url, write)
    bot = bot_process_factory({"PUBLIC_BASE_URL": "https://therapy.example.org"})
    await bot.start()

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{bot.web_url}/t/lesia") as response:
            assert response.status == 200
            landing = Page(await response.text())
        async with http.get(f"{bot.web_url}/for-specialists?lang=en") as response:
            specialists = Page(await response.text())
        async with http.get(f"{bot.web_url}/t/nobody") as response:
            assert response.status == 404

    assert landing.text("h1") == "Lesia Marchenko"
    assert landing.meta("og:url") == "https://therapy.example.org/t/lesia"
    assert "I work with burnout and with <grief>." in landing.visible_text
    times = [a.attrs["href"] for a in landing.find("a") if "start=b_lesia_" in a.attrs["href"]]
    assert times and times[0].startswith(f"https://t.me/{fake_telegram.bot_username}?start=b_lesia_")
    # The known month plus Lesia: 4 active specialists, fewer than the figures need to speak for a month
    # (core/rules/platform_figures.py), so the page promises none of them; the platform's fee it always states.
    assert "Sessions per specialist" not in specialists.visible_text
    assert "Expected earnings per specialist" not in specialists.visible_text
    assert "The platform keeps" in specialists.visible_text

    # Marta follows the first time on the page into Telegram.
    payload = times[0].split("?start=", 1)[1]
    marta = fake_telegram.user(MARTA, "Marta", language_code="en")
    marta.send_command("start", payload)
    offer = await marta.wait_message("Session with Lesia Marchenko")
    marta.click(offer, "Book")
    # her first session with Lesia: a request, with a topic of Lesia's, no note, and a name for therapists
    asked = await marta.wait_message("What would you like to work on?")
    marta.click(asked, "Burnout")
    marta.click(await marta.wait_message("What would you like to work on?"), "✔️ Done")
    marta.click(await marta.wait_message("Only this therapist reads it."), "Skip")
    marta.click(await marta.wait_message("which name should the therapist see?"), "Show my Telegram name: Marta")
    await marta.wait_message("You chose")
    starts = datetime.fromtimestamp(int(payload.rsplit("_", 1)[1]), UTC)
    assert starts - now >= timedelta(hours=25)


async def test_in_webhook_mode_the_webhooks_server_serves_the_pages(
    fake_telegram: FakeTelegram, bot_process_factory, unused_tcp_port
):
    base = f"http://127.0.0.1:{unused_tcp_port}"
    bot = bot_process_factory(
        {
            "RUN_MODE": "webhook",
            "WEBHOOK_BASE_URL": base,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(unused_tcp_port),
            "WEBHOOK_SECRET": "pages-and-webhook-share-a-server",
        }
    )
    await bot.start(wait_ready=False)
    await fake_telegram.wait_for("setWebhook", timeout=30)

    async with aiohttp.ClientSession() as http:
        page = await _get_when_listening(http, f"{base}/for-specialists")
        assert page.status == 200
        html = Page(await page.text())
    assert html.one("html").attrs["lang"] == "uk"
    assert html.one("link", rel="canonical").attrs["href"] == f"{base}/for-specialists"  # the webhook's public address


async def _get_when_listening(http: aiohttp.ClientSession, url: str) -> aiohttp.ClientResponse:
    """The webhook is registered just before the server starts listening."""
    for _ in range(100):
        try:
            return await http.get(url)
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on {url}")
