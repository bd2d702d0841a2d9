"""Telling a therapist what staff did to their profile; dropped if it was undone before it went out."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from core.usecases.roster import RosterNotice


def notice_kinds() -> dict[str, NoticeKind]:
    return {RosterNotice.PAUSED: Paused(), RosterNotice.HIDDEN: Hidden(), RosterNotice.SHOWN: Shown()}


class Paused(NoticeKind):
    async def render(self, context: NoticeContext) -> list[Outgoing]:
        profile = await context.uow.therapists.get(context.recipient.telegram_id)
        if profile is None or profile.accepting_clients:
            return []
        return [
            Text(
                _(
                    "The platform's team has paused your profile: new clients can't book you for now. Sessions "
                    "already booked stay as they are. You can take new clients again from your cabinet; if you "
                    "want to know why it was paused, write to /support."
                )
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


class Hidden(NoticeKind):
    async def render(self, context: NoticeContext) -> list[Outgoing]:
        profile = await context.uow.therapists.get(context.recipient.telegram_id)
        if profile is None or not profile.hidden:
            return []
        return [
            Text(
                _(
                    "The platform's team has hidden your profile: clients don't see it in the search and your link "
                    "leads nowhere for now. Sessions already booked stay as they are. To find out why, or to ask "
                    "for it to be shown again, write to /support."
                )
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


class Shown(NoticeKind):
    async def render(self, context: NoticeContext) -> list[Outgoing]:
        profile = await context.uow.therapists.get(context.recipient.telegram_id)
        if profile is None or profile.hidden:
            return []
        return [Text(_("Your profile is shown to clients again."))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
