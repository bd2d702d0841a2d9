"""The first, introductory questionnaire: who the applicant is and whether the requirements are met."""
from __future__ import annotations

from aiogram import Router
from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import lazy_gettext as __

from bot.flows.questionnaire import Questionnaire
from core.applications import Form


class FirstQuestionnaire(StatesGroup):
    answering = State()


PROMPTS = {
    "name": __("What is your full name? This is how it will appear on your profile if you join."),
    "email": __(
        "An e-mail address, if you'd like us to use it for documents. It is optional: Telegram is enough "
        "for us to reach you."
    ),
    "country": __("Which country do you live in?"),
    "city": __("And in which city?"),
    "timezone": __(
        "Your time zone, so that interview times are shown right for you. Pick one below, or send your city "
        "(for example: Warsaw) or the zone's name (Europe/Berlin)."
    ),
    "education": __("Your higher education: in which field is it?"),
    "practice_years": __("How many years have you practised as a psychotherapist? Send a number, for example: 5."),
    "private_practice": __("Do you have a private practice?"),
    "supervision": __("Do you take part in supervision?"),
    "approach": __("Your main therapeutic approach: pick it below, or type its name if it isn't listed."),
    "certified_hours": __(
        "How many hours of certified training do you have in this approach? Send a number, for example: 450 "
        "(0 if none yet)."
    ),
    "payout": __("Can you receive payouts (to a bank card or account) in the country where you live?"),
    "fop": __("Are you registered in Ukraine as a sole proprietor (FOP), group 3?"),
    "languages": __("In which languages can you hold sessions? Choose all that apply, then press “Done”."),
    "topics": __("Which topics do you work with? Choose all that apply, then press “Done”."),
}

FIRST = Questionnaire(Form.FIRST, FirstQuestionnaire.answering, PROMPTS)


def router() -> Router:
    return FIRST.router()
