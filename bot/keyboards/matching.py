"""Buttons of "Help me choose": the five questions, and what the three matches offer.

A question's button names the round of questions it belongs to (`round`): once the client starts again
or finishes, an older round's buttons are recognised as stale instead of changing the new answers.
A match's time is the booking's own «Book» button (bot/keyboards/booking.py: Confirm), so one tap on
it is the booking flow's first step at that very time.
"""
from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.booking import Confirm, unix
from bot.keyboards.data import ButtonData
from bot.keyboards.directory import ANY, OpenProfile, Search
from bot.keyboards.waitlist import WaitlistJoinAny
from bot.views.matching import WINDOW_NAMES
from bot.views.presenting import moment_label
from bot.views.therapist_labels import APPROACHES, LANGUAGES, TOPICS, label, price_band, therapist_name
from core.rules.matching import Answers, Question, Window
from core.therapists import PRICE_BANDS
from core.usecases.matching import MatchResult


class MatchStart(ButtonData, prefix="ms"):
    """Start "Help me choose", or change the answers (the kept ones come ticked)."""


class MatchTopic(ButtonData, prefix="mt"):
    round: int
    topic: str


class MatchWindow(ButtonData, prefix="mw"):
    round: int
    window: Window


class MatchNext(ButtonData, prefix="mn"):
    """«Next» (or «Skip» while nothing is ticked) on a question of several choices."""

    round: int
    question: Question


class MatchLanguage(ButtonData, prefix="ml"):
    round: int
    language: str = ""  # "": any language (skipped)


class MatchPrice(ButtonData, prefix="mp"):
    round: int
    band: int = ANY  # ANY: any price (skipped)


class MatchApproach(ButtonData, prefix="ma"):
    round: int
    approach: str = ""  # "": no preference (skipped)


class MatchConsent(ButtonData, prefix="mc"):
    """The kept topics fill in (or no longer fill in) the client's first request to a therapist."""

    agreed: bool


class MatchForget(ButtonData, prefix="mf"):
    """Forget the kept answers."""


def start_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("🧭 Help me choose"), callback_data=MatchStart().pack())


def topics_keyboard(round_: int, chosen: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in TOPICS.items():
        builder.button(text=_ticked(str(name), code in chosen), callback_data=MatchTopic(round=round_, topic=code))
    builder.adjust(2)
    builder.row(_next(round_, Question.TOPICS, bool(chosen)))
    return builder.as_markup()


def language_keyboard(round_: int, chosen: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGES.items():
        builder.button(text=_ticked(str(name), code == chosen), callback_data=MatchLanguage(round=round_, language=code))
    builder.adjust(2)
    builder.row(_button(_("Any language · skip ›"), MatchLanguage(round=round_)))
    return builder.as_markup()


def price_keyboard(round_: int, chosen: int | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for band in range(len(PRICE_BANDS)):
        builder.button(text=_ticked(price_band(band), band == chosen), callback_data=MatchPrice(round=round_, band=band))
    builder.adjust(1)
    builder.row(_button(_("Any price · skip ›"), MatchPrice(round=round_)))
    return builder.as_markup()


def windows_keyboard(round_: int, chosen: list[Window]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for window in Window:
        builder.button(
            text=_ticked(str(WINDOW_NAMES[window]), window in chosen), callback_data=MatchWindow(round=round_, window=window)
        )
    builder.adjust(2)
    builder.row(_next(round_, Question.WINDOWS, bool(chosen)))
    return builder.as_markup()


def approach_keyboard(round_: int, chosen: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in APPROACHES.items():
        builder.button(text=_ticked(str(name), code == chosen), callback_data=MatchApproach(round=round_, approach=code))
    builder.adjust(2)
    builder.row(_button(_("I don't know / no preference ›"), MatchApproach(round=round_)))
    return builder.as_markup()


def results_keyboard(result: MatchResult, zone: str, *, consented: bool, kept: bool) -> InlineKeyboardMarkup:
    """Per match: its nearest time, one tap from booking it, and the profile; then what is always there."""
    rows: list[list[InlineKeyboardButton]] = []
    for match in result.matches:
        therapist = match.therapist
        rows.append(
            [
                _button(
                    _("✅ {name}: {moment}").format(name=therapist_name(therapist), moment=moment_label(match.nearest, zone)),
                    Confirm(therapist_id=therapist.telegram_id, at=unix(match.nearest)),
                ),
            ]
        )
        rows.append([_button(_("👤 Profile: {name}").format(name=therapist_name(therapist)), OpenProfile(therapist_id=therapist.telegram_id))])
    if result.full:
        rows.append([_button(_("🔔 Tell me when a time opens with any of them"), WaitlistJoinAny(match_id=result.id))])
    rows.append([_button(_("✏️ Change my answers"), MatchStart())])
    rows.extend([button] for button in everyone_buttons(result.answers))
    if kept:
        if result.answers.topics:
            rows.append([consent_button(agreed=consented)])
        rows.append([_button(_("🗑 Forget my answers"), MatchForget())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def consent_button(*, agreed: bool) -> InlineKeyboardButton:
    """Shows where it stands now; a press turns it the other way."""
    if agreed:
        return _button(_("☑️ My topics fill in my first request · turn off"), MatchConsent(agreed=False))
    return _button(_("📝 Fill in my first request with these topics"), MatchConsent(agreed=True))


def everyone_buttons(answers: Answers) -> list[InlineKeyboardButton]:
    """The directory with the answers set as its filters; it takes one topic, so several topics give a button each."""
    base = {
        "language": answers.language or "",
        "approach": answers.approach or "",
        "price": answers.price_band if answers.price_band is not None else ANY,
    }
    if len(answers.topics) <= 1:
        topic = answers.topics[0] if answers.topics else ""
        return [_button(_("🔎 Show everyone who fits"), Search(topic=topic, **base))]
    return [
        _button(_("🔎 Everyone who fits: {topic}").format(topic=label(TOPICS, topic)), Search(topic=topic, **base))
        for topic in answers.topics
    ]


def _next(round_: int, question: Question, chosen: bool) -> InlineKeyboardButton:
    return _button(_("Next ›") if chosen else _("Skip ›"), MatchNext(round=round_, question=question))


def _ticked(text: str, ticked: bool) -> str:
    return f"✅ {text}" if ticked else text


def _button(text: str, data: ButtonData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())
