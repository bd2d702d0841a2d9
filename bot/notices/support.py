"""What support and the person see of a ticket; every part is remembered so a reply finds its ticket.

Support's chats get a heading per ticket (who wrote, the Close button) and
copies of the person's messages as replies to it (or inside the person's topic,
in a forum). The person gets copies of support's answers: copyMessage, never a
forward, so the staff member's account stays hidden.
"""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.keyboards.preferences import LANGUAGES
from bot.keyboards.support import ticket_actions
from bot.notices.kinds import Copy, NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.presenting import zone_label
from core.support import Relay, RelayKind, Ticket
from core.usecases.support import (
    SupportNotice,
    header_in,
    person_heard_from_support,
    remember_relays,
    tell_answer_undelivered,
)


def notice_kinds() -> dict[str, NoticeKind]:
    return {
        SupportNotice.HEADER: TicketHeader(),
        SupportNotice.TO_STAFF: ToStaff(),
        SupportNotice.TO_PERSON: ToPerson(),
        SupportNotice.CLOSED: Closed(),
        SupportNotice.UNDELIVERED: AnswerUndelivered(),
    }


async def _ticket(context: NoticeContext) -> Ticket | None:
    """None when the ticket is gone (the person had their data deleted): the message is dropped."""
    return await context.uow.support.get(context.params["ticket_id"])


async def _remember(
    context: NoticeContext, ticket: int, kind: RelayKind, sent: list[SentMessage], origin: int | None
) -> None:
    await remember_relays(
        context.uow,
        [Relay(ticket, context.recipient.telegram_id, message.message_id, kind, origin) for message in sent],
    )


class TicketHeader(NoticeKind):
    """params: ticket_id, thread_id (the person's forum topic, if support's chat is a forum)."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        ticket = await _ticket(context)
        if ticket is None:
            return []
        person = await context.uow.users.get(ticket.person_id)
        if person is None:
            return []
        thread_id = context.params.get("thread_id")
        how = (
            _("Everything written in this topic goes to them.")
            if thread_id
            else _("Reply to their messages (or to this one) to answer them.")
        )
        text = _(
            "🆘 Ticket #{number} · {name} (id {id})\n"
            "Language: {language} · time zone: {zone}\n\n"
            "{how} They see your answer as a message from the platform's support, not from your account."
        ).format(
            number=ticket.id, name=person.staff_name, id=person.telegram_id,
            language=LANGUAGES.get(person.locale, person.locale), zone=zone_label(person.timezone, context.clock.now()), how=how,
        )
        return [Text(text, reply_markup=ticket_actions(ticket.id), message_thread_id=thread_id)]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        await _remember(context, context.params["ticket_id"], RelayKind.HEADER, sent, None)


class ToStaff(NoticeKind):
    """params: ticket_id, message_id (in the person's chat), thread_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        ticket = await _ticket(context)
        if ticket is None:
            return []
        thread_id = context.params.get("thread_id")
        # In a forum the topic says whose message it is; elsewhere the quoted heading does.
        heading = None if thread_id else await header_in(context.uow, ticket.id, context.recipient.telegram_id)
        return [
            Copy(
                from_chat_id=ticket.person_id,
                message_id=context.params["message_id"],
                reply_to_message_id=heading,
                message_thread_id=thread_id,
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        await _remember(context, context.params["ticket_id"], RelayKind.TO_STAFF, sent, context.params["message_id"])


class ToPerson(NoticeKind):
    """params: ticket_id, from_chat_id, message_id and thread_id (support's message), answers_message_id, staff_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        ticket = await _ticket(context)
        if ticket is None:
            return []
        parts: list[Outgoing] = []
        if not await person_heard_from_support(context.uow, ticket):
            parts.append(
                Text(
                    _(
                        "💬 The platform's support has answered you (conversation #{number}). "
                        "To write back, reply to their message or send /support."
                    ).format(number=ticket.id)
                )
            )
        parts.append(
            Copy(
                from_chat_id=context.params["from_chat_id"],
                message_id=context.params["message_id"],
                reply_to_message_id=context.params.get("answers_message_id"),
            )
        )
        return parts

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        await _remember(context, context.params["ticket_id"], RelayKind.TO_PERSON, sent, context.params["message_id"])

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        await tell_answer_undelivered(
            context.uow, context.clock, ticket_id=context.params["ticket_id"],
            chat_id=context.params["from_chat_id"], message_id=context.params["message_id"],
            thread_id=context.params.get("thread_id"),
        )


class Closed(NoticeKind):
    """params: ticket_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        ticket = await _ticket(context)
        if ticket is None or ticket.is_open:
            return []
        return [
            Text(
                _(
                    "Support has closed conversation #{number}. If you need anything else, send /support — "
                    "we are here."
                ).format(number=ticket.id)
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to route: a reply to this starts a new conversation anyway."""


class AnswerUndelivered(NoticeKind):
    """params: ticket_id, message_id and thread_id (support's answer that did not arrive), to the chat it was written in."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        ticket = await _ticket(context)
        if ticket is None:
            return []
        text = _("⚠️ This answer did not reach the person in ticket #{number}: they have blocked the bot.").format(
            number=ticket.id
        )
        return [
            Text(text, reply_to_message_id=context.params["message_id"], message_thread_id=context.params.get("thread_id"))
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
