"""Who reviews applications: the admins, and how long an application may wait for them."""
from __future__ import annotations

from bot.settings import Settings
from core.usecases.vetting import Reviewers
from core.users import Role, User


def is_admin(user: User | None, settings: Settings) -> bool:
    """An admin named in the settings, or a person given the admin role."""
    return user is not None and (user.telegram_id in settings.admin_ids or Role.ADMIN in user.roles)


def reviewers(settings: Settings) -> Reviewers:
    return Reviewers(settings.admin_ids, settings.vetting_remind_after_business_days)
