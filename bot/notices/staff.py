"""Telling a person that a staff role was given to them or taken away."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.keyboards.staff import role_title
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from core.staff import StaffRole
from core.usecases.staff import StaffNotice


def notice_kinds() -> dict[str, NoticeKind]:
    return {StaffNotice.ROLE_GRANTED: RoleGranted(), StaffNotice.ROLE_REVOKED: RoleRevoked()}


async def _holds(context: NoticeContext, role: StaffRole) -> bool:
    return role in await context.uow.staff.roles_of(context.recipient.telegram_id)


class RoleGranted(NoticeKind):
    """params: role. Dropped if the role was taken away again before this went out."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        role = StaffRole(context.params["role"])
        if not await _holds(context, role):
            return []
        return [
            Text(
                _(
                    "You now have the role «{role}» on the platform. Send /start to open the console; "
                    "your commands are in the menu."
                ).format(role=role_title(role))
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


class RoleRevoked(NoticeKind):
    """params: role. Dropped if the role was given back before this went out."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        role = StaffRole(context.params["role"])
        if await _holds(context, role):
            return []
        return [Text(_("Your role «{role}» on the platform has been taken away.").format(role=role_title(role)))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
