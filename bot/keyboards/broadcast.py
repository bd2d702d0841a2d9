"""Buttons of a broadcast: choosing its segment, the preview's answer, its report."""
from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from core.broadcasts import BroadcastReport, Segment


class BroadcastSegment(ButtonData, prefix="bcs"):
    code: str  # a segment's code, or "applicants" to list the steps


class BroadcastConfirm(ButtonData, prefix="bcok"):
    token: str  # the preview's own: a replaced preview's button sends nothing


class BroadcastRedo(ButtonData, prefix="bcre"):
    pass


class BroadcastCancel(ButtonData, prefix="bcno"):
    pass


class BroadcastReportOpen(ButtonData, prefix="bcr"):
    id: int


class BroadcastStop(ButtonData, prefix="bcst"):
    id: int
    sure: bool = False


APPLICANTS_MENU = "applicants"


def segments(choices: list[tuple[str, Segment | None, int | None]]) -> InlineKeyboardMarkup:
    """(label, segment or None for the steps' menu, how many people or None)."""
    builder = InlineKeyboardBuilder()
    for label, segment, count in choices:
        text = label if count is None else f"{label} ({count})"
        builder.button(text=text, callback_data=BroadcastSegment(code=segment.code if segment else APPLICANTS_MENU))
    builder.button(text=_("✖️ Cancel"), callback_data=BroadcastCancel())
    builder.adjust(1)
    return builder.as_markup()


def preview_answer(token: str, count: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Send to {count}").format(count=count), callback_data=BroadcastConfirm(token=token))
    builder.button(text=_("✏️ Another message"), callback_data=BroadcastRedo())
    builder.button(text=_("✖️ Cancel"), callback_data=BroadcastCancel())
    builder.adjust(1)
    return builder.as_markup()


def report_buttons(report: BroadcastReport) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🔄 Refresh"), callback_data=BroadcastReportOpen(id=report.broadcast.id))
    if not report.outcomes.finished:
        builder.button(text=_("⏹ Stop sending"), callback_data=BroadcastStop(id=report.broadcast.id))
    builder.adjust(1)
    return builder.as_markup()


def confirm_stop(broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("⏹ Yes, stop it"), callback_data=BroadcastStop(id=broadcast_id, sure=True))
    builder.button(text=_("« Back to the report"), callback_data=BroadcastReportOpen(id=broadcast_id))
    builder.adjust(1)
    return builder.as_markup()


def report_list(reports: list[BroadcastReport]) -> InlineKeyboardMarkup | None:
    if not reports:
        return None
    builder = InlineKeyboardBuilder()
    for report in reports:
        builder.button(
            text=_("📊 Report #{number}").format(number=report.broadcast.id),
            callback_data=BroadcastReportOpen(id=report.broadcast.id),
        )
    builder.adjust(2)
    return builder.as_markup()
