"""/audit: what staff did to people's data and money, newest first, in the reader's time zone."""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.access import StaffRouter
from bot.keyboards.audit import AuditPageTurn, pages
from bot.keyboards.staff import role_title
from bot.views.presenting import day_label, local_time, zone_label
from core import audit
from core import payments as money
from core.applications import Action
from core.audit import AuditEntry
from core.broadcasts import BROADCAST_SENT, BROADCAST_STOPPED
from core.clock import Clock
from core.inbox import UPDATE_DROPPED, UPDATE_RETRIED
from core.ports import UnitOfWork
from core.privacy import is_stand_in
from core.profile_changes import CHANGE_APPROVED, CHANGE_REJECTED
from core.roster import THERAPIST_HIDDEN, THERAPIST_PAUSED, THERAPIST_SHOWN
from core.staff import Permission, StaffRole
from core.usecases.audit import AuditPage, audit_page
from core.users import User

NAME_LIMIT = 40


def commands() -> Router:
    router = StaffRouter(name="audit-commands", permission=Permission.AUDIT)
    router.message.register(show_log, Command("audit"))
    return router


def router() -> Router:
    router = StaffRouter(name="audit", permission=Permission.AUDIT)
    router.callback_query.register(turn_page, AuditPageTurn.filter())
    return router


async def show_log(message: Message, command: CommandObject, uow: UnitOfWork, user: User, clock: Clock) -> None:
    argument = (command.args or "").strip()
    if argument and not (argument.isdecimal() and len(argument) <= 16):
        await message.answer(_("Usage: /audit for everything, or /audit <telegram id> for what concerns one person."))
        return
    page = await audit_page(uow, 0, int(argument) if argument else None)
    await message.answer(await _render(uow, page, user, clock.now()), reply_markup=pages(page.number, page.pages, page.subject_id))


async def turn_page(query: CallbackQuery, callback_data: AuditPageTurn, uow: UnitOfWork, user: User, clock: Clock) -> None:
    page = await audit_page(uow, callback_data.page, callback_data.subject or None)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            await _render(uow, page, user, clock.now()), reply_markup=pages(page.number, page.pages, page.subject_id)
        )


async def _render(uow: UnitOfWork, page: AuditPage, reader: User, now: datetime) -> str:
    names = _Names(uow)
    if page.subject_id is None:
        title = _("📜 Audit log, page {number} of {pages}. Times are in {zone}.")
    else:
        title = _("📜 Audit log about {person}, page {number} of {pages}. Times are in {zone}.")
    lines = [
        title.format(
            person=await names.of(page.subject_id) if page.subject_id else "",
            number=page.number + 1,
            pages=page.pages,
            zone=zone_label(reader.timezone, now),
        )
    ]
    if not page.entries:
        lines.append(_("Nothing recorded yet."))
    for entry in page.entries:
        when = f"{day_label(entry.at, reader.timezone)}, {local_time(entry.at, reader.timezone)}"
        lines.append(f"\n{when} · {await names.of(entry.actor_id)}: {await _describe(entry, names)}")
    return "\n".join(lines)


async def _describe(entry: AuditEntry, names: _Names) -> str:
    """Each action in words; an action this page does not know yet is still shown, without its code."""
    subject = await names.of(entry.subject_id) if entry.subject_id is not None else "—"
    details = entry.details
    role = details.get("role")
    if entry.action == money.REFUND_DECIDED:
        text = _("approved refund #{number} · {person}") if details.get("approved") else _("declined refund #{number} · {person}")
        return text.format(number=details.get("refund", "—"), person=subject)
    if entry.action == BROADCAST_SENT:
        count = int(details.get("recipients", 0))
        return ngettext(
            "sent broadcast #{number} to {count} person", "sent broadcast #{number} to {count} people", count
        ).format(number=details.get("broadcast", "—"), count=count)
    label = ACTIONS.get(entry.action, __("another action · {person}"))
    number = next((details[key] for key in NUMBERED if key in details), "—")
    shown_role = role_title(StaffRole(role)) if role in set(StaffRole) else "—"
    return str(label).format(person=subject, number=number, role=shown_role)


# What each recorded action reads as; `{number}` is the first of NUMBERED found in its details.
ACTIONS = {
    audit.ROLE_GRANTED: __("gave {person} the role «{role}»"),
    audit.ROLE_REVOKED: __("took the role «{role}» from {person}"),
    audit.TICKET_CLOSED: __("closed support ticket #{number} of {person}"),
    audit.DATA_EXPORTED: __("downloaded the data the platform holds about {person}"),
    audit.DATA_ERASED: __("had the data of {person} deleted"),
    money.MANUAL_PAYMENT_CONFIRMED: __("confirmed a transfer, payment #{number} · {person}"),
    money.REFUND_CARRIED_OUT: __("carried out refund #{number} · {person}"),
    money.PAYOUT_MARKED_PAID: __("marked payout #{number} paid · {person}"),
    money.CLAWBACK_SETTLED: __("settled clawback #{number} · {person}"),
    CHANGE_APPROVED: __("approved profile change #{number} · {person}"),
    CHANGE_REJECTED: __("rejected profile change #{number} · {person}"),
    THERAPIST_PAUSED: __("paused the profile · {person}"),
    THERAPIST_HIDDEN: __("hid the profile · {person}"),
    THERAPIST_SHOWN: __("showed the profile again · {person}"),
    BROADCAST_STOPPED: __("stopped broadcast #{number}"),
    UPDATE_RETRIED: __("put update {number} from Telegram back in line · {person}"),
    UPDATE_DROPPED: __("dropped update {number} from Telegram · {person}"),
    f"vetting.{Action.INVITED.value}": __("invited to an interview, application #{number} · {person}"),
    f"vetting.{Action.HELD.value}": __("marked the interview held, application #{number} · {person}"),
    f"vetting.{Action.APPROVED.value}": __("approved application #{number} · {person}"),
    f"vetting.{Action.PUBLISHED.value}": __("published the profile, application #{number} · {person}"),
    f"vetting.{Action.DECLINED.value}": __("declined application #{number} · {person}"),
}
NUMBERED = ("ticket", "payment", "refund", "payout", "clawback", "change", "broadcast", "application", "update")


class _Names:
    """Names for ids, looked up once per page; an account gone without a request shows as its id, one whose
    data was deleted as a deleted account (its entries name a stand-in: core/privacy.py)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._known: dict[int, str] = {}

    async def of(self, telegram_id: int) -> str:
        if is_stand_in(telegram_id):
            return _("a deleted account")
        if telegram_id not in self._known:
            person = await self._uow.users.get(telegram_id)
            self._known[telegram_id] = f"{person.staff_name[:NAME_LIMIT]} ({telegram_id})" if person else f"#{telegram_id}"
        return self._known[telegram_id]
