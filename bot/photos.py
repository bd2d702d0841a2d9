"""Therapists' photos for the web pages: fetched from Telegram once (getFile) and kept on disk.

A Telegram file address carries the bot's token, so it is never handed to a browser: the pages
serve the copy kept here.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
import uuid
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiohttp import ClientError

log = logging.getLogger(__name__)

# A photo Telegram could not give is asked for again only after this long, not by every visitor.
RETRY_AFTER_SECONDS = 600.0


class TelegramPhotoCache:
    def __init__(self, bot: Bot, directory: Path) -> None:
        self._bot = bot
        self._directory = directory
        self._fetching: dict[str, asyncio.Lock] = {}
        self._failed_at: dict[str, float] = {}

    async def local_copy(self, file_id: str) -> Path | None:
        path = self._directory / f"{hashlib.sha256(file_id.encode()).hexdigest()[:32]}.jpg"
        if path.exists():
            return path
        if self._failed_recently(file_id):
            return None
        # Many visitors at once ask Telegram once.
        lock = self._fetching.setdefault(file_id, asyncio.Lock())
        async with lock:
            if path.exists():
                return path
            if self._failed_recently(file_id):
                return None
            try:
                fetched = await self._fetch(file_id, path)
            finally:
                self._fetching.pop(file_id, None)
        if fetched is None:
            self._failed_at[file_id] = time.monotonic()
        else:
            self._failed_at.pop(file_id, None)
        return fetched

    def _failed_recently(self, file_id: str) -> bool:
        failed_at = self._failed_at.get(file_id)
        return failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_SECONDS

    async def _fetch(self, file_id: str, path: Path) -> Path | None:
        # Written aside and renamed: a crash midway never leaves half a photo to serve.
        part = path.with_name(f".{uuid.uuid4().hex}.part")
        try:
            file = await self._bot.get_file(file_id)
            if not file.file_path:
                return None
            self._directory.mkdir(parents=True, exist_ok=True)
            await self._bot.download_file(file.file_path, destination=part)
            os.replace(part, path)
        except (TelegramAPIError, ClientError, OSError, TimeoutError) as error:
            log.warning("a therapist's photo could not be fetched from Telegram: %s", error)
            part.unlink(missing_ok=True)
            return None
        return path
