"""The platform's requirements for a therapist, checked from the first questionnaire's answers.

Nobody is asked "do you meet the requirements?": the check is computed, so an
applicant sees in plain words what is met and what is not, and may still send
the application (the community manager decides).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The seed's "pedagogical, medical or sociological": psychology is among the social and behavioural sciences
# (Ukraine's list of fields of study), so a psychology graduate is who the platform exists for.
ACCEPTED_EDUCATION = frozenset({"psychological", "pedagogical", "medical", "sociological"})
MIN_PRACTICE_YEARS = 2
MIN_CERTIFIED_HOURS = 400


class Requirement(StrEnum):
    EDUCATION = "education"
    EXPERIENCE = "experience"
    PRACTICE = "practice"
    CERTIFICATION = "certification"
    PAYOUTS = "payouts"
    LEGAL_FORM = "legal_form"


class Shortfall(StrEnum):
    """Why a requirement is not met; the bot turns it into a sentence."""

    NOT_ANSWERED = "not_answered"
    NO_HIGHER_EDUCATION = "no_higher_education"
    OTHER_FIELD = "other_field"
    TOO_FEW_YEARS = "too_few_years"
    NO_PRIVATE_PRACTICE = "no_private_practice"
    NO_SUPERVISION = "no_supervision"
    NEITHER_PRACTICE_NOR_SUPERVISION = "neither_practice_nor_supervision"
    TOO_FEW_HOURS = "too_few_hours"
    NO_PAYOUT_METHOD = "no_payout_method"
    NOT_FOP_THIRD_GROUP = "not_fop_third_group"


@dataclass(frozen=True)
class Verdict:
    requirement: Requirement
    shortfall: Shortfall | None  # None: met
    value: Any = None  # what the applicant said, for the explanation

    @property
    def met(self) -> bool:
        return self.shortfall is None


def check_requirements(answers: dict[str, Any]) -> list[Verdict]:
    """One verdict per requirement, in the order the platform lists them."""
    return [
        _education(answers.get("education")),
        _experience(answers.get("practice_years")),
        _practice(answers.get("private_practice"), answers.get("supervision")),
        _certification(answers.get("certified_hours")),
        _yes(Requirement.PAYOUTS, answers.get("payout"), Shortfall.NO_PAYOUT_METHOD),
        _yes(Requirement.LEGAL_FORM, answers.get("fop"), Shortfall.NOT_FOP_THIRD_GROUP),
    ]


def all_met(verdicts: list[Verdict]) -> bool:
    return all(verdict.met for verdict in verdicts)


def _education(field: str | None) -> Verdict:
    if field is None:
        return Verdict(Requirement.EDUCATION, Shortfall.NOT_ANSWERED)
    if field in ACCEPTED_EDUCATION:
        return Verdict(Requirement.EDUCATION, None, field)
    shortfall = Shortfall.NO_HIGHER_EDUCATION if field == "none" else Shortfall.OTHER_FIELD
    return Verdict(Requirement.EDUCATION, shortfall, field)


def _experience(years: int | None) -> Verdict:
    if years is None:
        return Verdict(Requirement.EXPERIENCE, Shortfall.NOT_ANSWERED)
    return Verdict(Requirement.EXPERIENCE, None if years >= MIN_PRACTICE_YEARS else Shortfall.TOO_FEW_YEARS, years)


def _practice(private: bool | None, supervision: bool | None) -> Verdict:
    if private is None or supervision is None:
        return Verdict(Requirement.PRACTICE, Shortfall.NOT_ANSWERED)
    if private and supervision:
        return Verdict(Requirement.PRACTICE, None)
    if not private and not supervision:
        return Verdict(Requirement.PRACTICE, Shortfall.NEITHER_PRACTICE_NOR_SUPERVISION)
    return Verdict(Requirement.PRACTICE, Shortfall.NO_SUPERVISION if private else Shortfall.NO_PRIVATE_PRACTICE)


def _certification(hours: int | None) -> Verdict:
    if hours is None:
        return Verdict(Requirement.CERTIFICATION, Shortfall.NOT_ANSWERED)
    met = hours >= MIN_CERTIFIED_HOURS
    return Verdict(Requirement.CERTIFICATION, None if met else Shortfall.TOO_FEW_HOURS, hours)


def _yes(requirement: Requirement, answer: bool | None, shortfall: Shortfall) -> Verdict:
    if answer is None:
        return Verdict(requirement, Shortfall.NOT_ANSWERED)
    return Verdict(requirement, None if answer else shortfall)
