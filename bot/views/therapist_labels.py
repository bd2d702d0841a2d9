"""How a therapist's name, topics, approaches, languages and price ranges read to a client."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.views.presenting import reader_language, reader_locale
from core import formatting
from core.therapist_names import APPROACH_NAMES, LANGUAGE_NAMES, TOPIC_NAMES
from core.therapists import TherapistProfile

# One name per code for every reader: the English msgids live in core, translated here when shown.
TOPICS = {code: __(name) for code, name in TOPIC_NAMES.items()}
APPROACHES = {code: __(name) for code, name in APPROACH_NAMES.items()}
LANGUAGES = {code: __(name) for code, name in LANGUAGE_NAMES.items()}


def therapist_name(therapist: TherapistProfile | None) -> str:
    """The name this reader sees: the English one for an English reader when the therapist gave it; «—» when gone."""
    return therapist.name_for(reader_language()) if therapist else "—"


def label(labels: Mapping[str, object], code: str) -> str:
    return str(labels.get(code, code))


def labels(labels_by_code: Mapping[str, object], codes: Iterable[str]) -> str:
    return ", ".join(label(labels_by_code, code) for code in codes)


def price_band(index: int) -> str:
    return formatting.price_band(index, reader_locale(), _)
