"""The cabinet's timed messages: a proposed profile change to those who decide, the decision to the therapist."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.keyboards.cabinet import my_profile_keyboard, open_change_keyboard
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.cabinet import field_name
from core.profile_changes import ChangeStatus, ProfileChange
from core.staff import Permission
from core.usecases.profile_changes import ProfileChangeNotice
from core.usecases.staff import authority_of


def notice_kinds() -> dict[str, NoticeKind]:
    return {ProfileChangeNotice.PROPOSED: ChangeProposed(), ProfileChangeNotice.DECIDED: ChangeDecided()}


async def _change(context: NoticeContext) -> ProfileChange | None:
    return await context.uow.profile_changes.get(int(context.params["change_id"]))


class ChangeProposed(NoticeKind):
    """To a full admin or community manager. params: change_id.

    Dropped when the change was decided or replaced before this went out, or
    the reader may no longer decide on it.
    """

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        change = await _change(context)
        if change is None or not change.pending:
            return []
        reader = await authority_of(context.uow, context.recipient.telegram_id, context.settings.admin_ids)
        if not reader.may(Permission.MANAGE_THERAPISTS):
            return []
        profile = await context.uow.therapists.get(change.therapist_id)
        name = profile.full_name if profile else str(change.therapist_id)
        text = _("✏️ {name} proposes a change to «{field}» in their profile. All waiting changes: /profile_changes").format(
            name=name, field=field_name(change.field)
        )
        return [Text(text, reply_markup=open_change_keyboard(change.id))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


class ChangeDecided(NoticeKind):
    """To the therapist, once an admin approved or rejected their change. params: change_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        change = await _change(context)
        if change is None or change.status not in (ChangeStatus.APPROVED, ChangeStatus.REJECTED):
            return []
        field = field_name(change.field)
        if change.status is ChangeStatus.APPROVED:
            text = _("✅ Your change to «{field}» is approved: clients see it in your profile now.").format(field=field)
        else:
            text = _("Your change to «{field}» was not approved, so your profile stays as it was.").format(field=field)
            if change.note:
                text += "\n\n" + _("A word from the platform's team: {note}").format(note=change.note)
            text += "\n\n" + _("You can change it and send it again, or ask us: /support")
        return [Text(text, reply_markup=my_profile_keyboard())]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
