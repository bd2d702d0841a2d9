"""Buttons of the directory. Filters travel in the button itself, so any old list still works."""
from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.booking import Days
from bot.keyboards.data import ButtonData
from bot.keyboards.waitlist import WaitlistJoin
from bot.views.presenting import money
from bot.views.therapist_labels import APPROACHES, LANGUAGES, TOPICS, label, price_band, therapist_name
from core.therapists import PRICE_BANDS, TherapistProfile
from core.usecases.directory import Filters

ANY = -1
FIELDS = ("topic", "approach", "language", "price")


class Search(ButtonData, prefix="fs"):
    added_later = ("without",)

    topic: str = ""
    approach: str = ""
    language: str = ""
    price: int = ANY
    page: int = 0
    without: int = 0  # a therapist left out (the one who declined); 0: nobody

    def filters(self) -> Filters:
        price_band = self.price if 0 <= self.price < len(PRICE_BANDS) else None
        return Filters(self.topic or None, self.approach or None, self.language or None, price_band, self.without or None)

    def with_field(self, field: str, value: str | int) -> Search:
        return self.model_copy(update={field: value, "page": 0})


class SearchFilter(ButtonData, prefix="ff"):
    """Open the choices of one filter, keeping the others."""

    added_later = ("without",)

    field: str
    topic: str = ""
    approach: str = ""
    language: str = ""
    price: int = ANY
    without: int = 0

    def search(self) -> Search:
        return Search(topic=self.topic, approach=self.approach, language=self.language, price=self.price, without=self.without)


class OpenProfile(ButtonData, prefix="tp"):
    therapist_id: int


def field_summary(search: Search) -> dict[str, str]:
    """Each filter as «Тема: Тривога»; an unset one whole («Підхід: будь-який»), since «any» agrees with its noun."""
    return {
        "topic": _("Topic: {value}").format(value=label(TOPICS, search.topic)) if search.topic else _("Topic: any"),
        "approach": (
            _("Approach: {value}").format(value=label(APPROACHES, search.approach)) if search.approach else _("Approach: any")
        ),
        "language": (
            _("Language: {value}").format(value=label(LANGUAGES, search.language)) if search.language else _("Language: any")
        ),
        "price": (
            _("Price: {value}").format(value=price_band(search.price))
            if 0 <= search.price < len(PRICE_BANDS)
            else _("Price: any")
        ),
    }


def results_keyboard(search: Search, page: list[TherapistProfile], pages: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for therapist in page:
        builder.row(
            InlineKeyboardButton(
                text=f"{therapist_name(therapist)} · {money(therapist.price_minor)}",
                callback_data=OpenProfile(therapist_id=therapist.telegram_id).pack(),
            )
        )
    if pages > 1:
        nav = []
        if search.page > 0:
            nav.append(InlineKeyboardButton(text="‹", callback_data=search.model_copy(update={"page": search.page - 1}).pack()))
        nav.append(InlineKeyboardButton(text=f"{search.page + 1}/{pages}", callback_data=search.pack()))
        if search.page < pages - 1:
            nav.append(InlineKeyboardButton(text="›", callback_data=search.model_copy(update={"page": search.page + 1}).pack()))
        builder.row(*nav)
    shown = field_summary(search)
    current = search.model_dump(include={"topic", "approach", "language", "price"})
    buttons = [
        InlineKeyboardButton(
            text=shown[field],
            callback_data=SearchFilter(field=field, without=search.without, **current).pack(),
        )
        for field in FIELDS
    ]
    builder.row(*buttons[:2])
    builder.row(*buttons[2:])
    if any(current[field] not in ("", ANY) for field in FIELDS):
        builder.row(InlineKeyboardButton(text=_("✖️ Clear filters"), callback_data=Search().pack()))
    return builder.as_markup()


def choices_keyboard(choice: SearchFilter) -> InlineKeyboardMarkup:
    search = choice.search()
    builder = InlineKeyboardBuilder()
    options: list[tuple[str, str | int]]
    if choice.field == "price":
        options = [(price_band(index), index) for index in range(len(PRICE_BANDS))]
        cleared: str | int = ANY
    else:
        names = {"topic": TOPICS, "approach": APPROACHES, "language": LANGUAGES}[choice.field]
        options = [(str(name), code) for code, name in names.items()]
        cleared = ""
    anything = {"topic": _("Any topic"), "approach": _("Any approach"), "language": _("Any language"), "price": _("Any price")}
    builder.button(text=anything[choice.field], callback_data=search.with_field(choice.field, cleared))
    for text, value in options:
        builder.button(text=text, callback_data=search.with_field(choice.field, value))
    builder.adjust(2)
    return builder.as_markup()


def profile_keyboard(therapist: TherapistProfile, *, can_wait: bool = False) -> InlineKeyboardMarkup:
    """Choosing a time; waiting for one, when nothing that suits is free soon; other therapists."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📅 Choose a time"), callback_data=Days(therapist_id=therapist.telegram_id))
    if can_wait:
        builder.button(text=_("🔔 Tell me when a time opens"), callback_data=WaitlistJoin(therapist_id=therapist.telegram_id))
    builder.button(text=_("🔎 Other therapists"), callback_data=Search())
    builder.adjust(1)
    return builder.as_markup()


def find_again_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🔎 Find a therapist"), callback_data=Search())
    return builder.as_markup()


def other_times_keyboard(therapist_id: int | None) -> InlineKeyboardMarkup:
    """After a declined, lapsed or cancelled booking: another time, or another therapist."""
    builder = InlineKeyboardBuilder()
    if therapist_id is not None:
        builder.button(text=_("📅 Other times"), callback_data=Days(therapist_id=therapist_id))
    builder.button(text=_("🔎 Other therapists"), callback_data=Search())
    builder.adjust(1)
    return builder.as_markup()


def other_therapists_keyboard(topics: tuple[str, ...], therapist_id: int, *, other_times: bool) -> InlineKeyboardMarkup:
    """After a declined request: the directory filtered by each topic the client chose, without the therapist who
    declined; then another time with them, if they still take clients."""
    builder = InlineKeyboardBuilder()
    for topic in topics:
        builder.button(
            text=_("🔎 Therapists: {topic}").format(topic=label(TOPICS, topic)),
            callback_data=Search(topic=topic, without=therapist_id),
        )
    if other_times:
        builder.button(text=_("📅 Other times"), callback_data=Days(therapist_id=therapist_id))
    builder.adjust(1)
    return builder.as_markup()
