from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18nMiddleware

from core.users import User


class UserLocale(I18nMiddleware):
    """Speaks the language the person chose, not the one their app reports."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("user")
        if user is not None and user.locale in self.i18n.available_locales:
            return user.locale
        return self.i18n.default_locale
