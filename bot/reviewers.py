"""Who reviews applications: the full admins and staff whose role includes it (community managers)."""
from __future__ import annotations

from bot.access import allowed
from bot.settings import Settings
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases.vetting import Reviewers
from core.users import User


async def may_review(user: User | None, uow: UnitOfWork, settings: Settings) -> bool:
    """Whether someone reviews applications (e.g. is told of new ones); handlers are in its staff routers."""
    return await allowed(user, Permission.REVIEW_APPLICATIONS, uow, settings)


def reviewers(settings: Settings) -> Reviewers:
    return Reviewers(settings.admin_ids, settings.vetting_remind_after_business_days)
