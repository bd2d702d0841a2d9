"""How a therapist's topics, approaches, languages and price ranges read to a client."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.presenting import money
from core.usecases.directory import PRICE_BANDS

TOPICS = {
    "anxiety": __("Anxiety"),
    "depression": __("Depression"),
    "relationships": __("Relationships"),
    "family": __("Family"),
    "trauma": __("Trauma"),
    "grief": __("Grief and loss"),
    "self_esteem": __("Self-esteem"),
    "burnout": __("Burnout"),
    "addiction": __("Addiction"),
    "eating": __("Eating"),
    "sexuality": __("Sexuality"),
    "parenting": __("Parenting"),
}
APPROACHES = {
    "cbt": __("CBT"),
    "psychodynamic": __("Psychodynamic"),
    "gestalt": __("Gestalt"),
    "existential": __("Existential"),
    "schema": __("Schema therapy"),
    "emdr": __("EMDR"),
    "family_systems": __("Family systems"),
    "person_centred": __("Person-centred"),
}
LANGUAGES = {
    "uk": __("Ukrainian"),
    "en": __("English"),
    "pl": __("Polish"),
    "de": __("German"),
    "ru": __("Russian"),
}


def label(labels: Mapping[str, object], code: str) -> str:
    return str(labels.get(code, code))


def labels(labels_by_code: Mapping[str, object], codes: Iterable[str]) -> str:
    return ", ".join(label(labels_by_code, code) for code in codes)


def price_band(index: int) -> str:
    low, high = PRICE_BANDS[index]
    if low is None and high is not None:
        return _("up to {price}").format(price=money(high))
    if high is None and low is not None:
        return _("from {price}").format(price=money(low))
    assert low is not None and high is not None
    return _("{low}–{high}").format(low=money(low), high=money(high))
