"""The second questionnaire, after the interview: documents, experience, and the profile as clients will see it."""
from __future__ import annotations

from aiogram import Router
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import lazy_gettext as __

from bot.flows.questionnaire import Questionnaire
from core.applications import Form


class SecondQuestionnaire(StatesGroup):
    answering = State()


PROMPTS = {
    "education_documents": __(
        "Please send your education documents (a diploma and its supplement): photos or PDF files, one or "
        "several. Press “Done” when all are sent."
    ),
    "certificates": __(
        "Now the certificates of your training in a therapeutic approach: photos or PDF files. Press “Done” "
        "when all are sent."
    ),
    "education": __(
        "How should your education read on your profile? For example: Taras Shevchenko National University "
        "of Kyiv, clinical psychology, 2015."
    ),
    "experience": __(
        "Tell us more about your experience: where and with whom you have worked, what you specialise in "
        "({low}–{high} characters)."
    ),
    "about": __(
        "Now the text of your public profile: what clients read before they book. Write to them, in plain "
        "words ({low}–{high} characters)."
    ),
    "photo": __("A photo for your profile: a clear portrait, sent as a photo."),
    "price": __("Your price for a 50-minute session, in hryvnias ({low}–{high}). For example: 1200."),
    "topics": __(
        "The topics your profile will show. We took them from your first questionnaire: change them if you "
        "like, then press “Done”."
    ),
    "approaches": __("The approaches your profile will show. Choose all that apply, then press “Done”."),
    "name_en": __(
        "Clients who read English see your profile in English where you give it. Your name in English, "
        "as they should read it? For example: Iryna Kovalenko. Or skip: they will see it as it is."
    ),
    "education_en": __("Your education in English, for the profile ({low}–{high} characters), or skip."),
    "about_en": __("The text of your profile in English ({low}–{high} characters), or skip."),
}

SECOND = Questionnaire(Form.SECOND, SecondQuestionnaire.answering, PROMPTS)


def router() -> Router:
    return SECOND.router()
