"""A therapist's photo on the page comes from Telegram once (getFile, then the download) and is then served from disk."""
from __future__ import annotations

import asyncio
from pathlib import Path

from playground.bot_api import FakeTelegram
from tests.bot.booking_support import add_therapist
from tests.conftest import make_settings
from tests.web.conftest import serving
from tests.web.page import Page

PHOTO = b"\xff\xd8\xff\xe0" + b"a portrait" * 100 + b"\xff\xd9"


async def test_the_photo_is_fetched_once_kept_on_disk_and_never_linked_with_the_token(database_url, clock, tmp_path: Path):
    async with FakeTelegram() as telegram:
        telegram.add_file("photo-of-iryna", len(PHOTO), kind="photo", content=PHOTO)
        cache = tmp_path / "photos"
        settings = make_settings(
            database_url, telegram_api_base=telegram.base_url, photo_cache_dir=str(cache), public_base_url="https://therapy.example.org"
        )
        async with serving(settings, clock) as (app, pages):
            await add_therapist(app, photo_file_id="photo-of-iryna")

            answers = await asyncio.gather(*(pages.get("/t/iryna/photo") for _ in range(5)))
            landing = await (await pages.get("/t/iryna")).text()
            bodies = [await answer.read() for answer in answers]

            assert all(answer.status == 200 for answer in answers)
            assert all(answer.headers["Content-Type"] == "image/jpeg" for answer in answers)
            assert bodies == [PHOTO] * 5
            assert len(telegram.calls("getFile")) == 1  # five visitors at once, one fetch
            assert [path.read_bytes() for path in cache.iterdir()] == [PHOTO]  # no half-written part left beside it
            assert settings.bot_token.get_secret_value() not in landing and "/file/bot" not in landing
            page = Page(landing)
            assert page.meta("og:image").startswith("https://therapy.example.org/t/iryna/photo?v=")
            assert page.meta("twitter:card") == "summary_large_image"
            assert page.one("img", class_="portrait").attrs["alt"] == "Фото: Iryna Kovalenko"

    # Telegram gone: the copy on disk still serves the page.
    async with serving(settings, clock) as (_app, pages):
        answer = await pages.get("/t/iryna/photo")
        assert answer.status == 200 and await answer.read() == PHOTO


async def test_a_photo_telegram_cannot_give_is_not_found_and_the_page_still_shows(database_url, clock, tmp_path: Path):
    async with FakeTelegram() as telegram:
        settings = make_settings(database_url, telegram_api_base=telegram.base_url, photo_cache_dir=str(tmp_path / "photos"))
        async with serving(settings, clock) as (app, pages):
            await add_therapist(app, photo_file_id="no-such-file")

            landing = await pages.get("/t/iryna")
            assert landing.status == 200 and "/t/iryna/photo" not in await landing.text()  # no broken image
            assert (await pages.get("/t/iryna/photo")).status == 404
            assert "/t/iryna/photo" not in await (await pages.get("/therapists")).text()
            assert len(telegram.calls("getFile")) == 1  # asked once, not by every visitor
