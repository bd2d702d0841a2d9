"""/audit: what staff did to people's data and money, newest first, in the reader's time zone."""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.access import HasPermission
from bot.keyboards.audit import AuditPageTurn, pages
from bot.keyboards.staff import role_title
from bot.presenting import day_label, local_time, zone_label
from core import audit
from core.audit import AuditEntry
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission, StaffRole
from core.usecases.audit import AuditPage, audit_page
from core.users import User

AUDIT = HasPermission(Permission.AUDIT)
# Ten entries of at most this much keep a page under Telegram's 4,096 characters.
DETAILS_LIMIT = 150
NAME_LIMIT = 40


def router() -> Router:
    router = Router(name="audit")
    router.message.register(show_log, Command("audit"), AUDIT)
    router.callback_query.register(turn_page, AuditPageTurn.filter(), AUDIT)
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
    await query.answer()
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
    subject = await names.of(entry.subject_id) if entry.subject_id is not None else "—"
    details = entry.details
    if entry.action == audit.ROLE_GRANTED and details.get("role") in set(StaffRole):
        return _("gave {person} the role «{role}»").format(person=subject, role=role_title(StaffRole(details["role"])))
    if entry.action == audit.ROLE_REVOKED and details.get("role") in set(StaffRole):
        return _("took the role «{role}» from {person}").format(person=subject, role=role_title(StaffRole(details["role"])))
    if entry.action == audit.TICKET_CLOSED:
        return _("closed support ticket #{number} of {person}").format(number=details.get("ticket"), person=subject)
    if entry.action == audit.DATA_EXPORTED:
        return _("downloaded the data the platform holds about {person}").format(person=subject)
    if entry.action == audit.DATA_ERASED:
        return _("had the data of {person} deleted").format(person=subject)
    # Other topics' actions read as they were recorded.
    shown = ", ".join(f"{key}={value}" for key, value in details.items())
    return f"{entry.action} · {subject}" + (f" · {shown[:DETAILS_LIMIT]}" if shown else "")


class _Names:
    """Names for ids, looked up once per page; a deleted account shows as its id."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._known: dict[int, str] = {}

    async def of(self, telegram_id: int) -> str:
        if telegram_id not in self._known:
            person = await self._uow.users.get(telegram_id)
            self._known[telegram_id] = f"{person.shown_name[:NAME_LIMIT]} ({telegram_id})" if person else f"#{telegram_id}"
        return self._known[telegram_id]
