"""The requirement check is computed from the first questionnaire's answers, never asked."""
from __future__ import annotations

import pytest

from core.rules.requirements import Requirement, Shortfall, all_met, check_requirements

EVERYTHING_MET = {
    "education": "medical",
    "practice_years": 5,
    "private_practice": True,
    "supervision": True,
    "certified_hours": 450,
    "payout": True,
    "fop": True,
}


def verdict(answers: dict, requirement: Requirement):
    return next(v for v in check_requirements(answers) if v.requirement is requirement)


def test_an_applicant_meeting_everything_passes_every_requirement_in_the_platforms_order():
    verdicts = check_requirements(EVERYTHING_MET)
    assert [v.requirement for v in verdicts] == list(Requirement)
    assert all_met(verdicts)


@pytest.mark.parametrize("field", ["psychological", "pedagogical", "medical", "sociological"])
def test_the_three_accepted_fields_of_higher_education(field):
    assert verdict({**EVERYTHING_MET, "education": field}, Requirement.EDUCATION).met


@pytest.mark.parametrize(("field", "shortfall"), [("other", Shortfall.OTHER_FIELD), ("none", Shortfall.NO_HIGHER_EDUCATION)])
def test_another_field_or_no_higher_education_is_not_enough(field, shortfall):
    result = verdict({**EVERYTHING_MET, "education": field}, Requirement.EDUCATION)
    assert (result.met, result.shortfall) == (False, shortfall)


@pytest.mark.parametrize(("years", "met"), [(0, False), (1, False), (2, True), (3, True), (60, True)])
def test_two_years_of_practice_is_the_boundary(years, met):
    result = verdict({**EVERYTHING_MET, "practice_years": years}, Requirement.EXPERIENCE)
    assert result.met is met
    assert result.value == years
    assert result.shortfall is (None if met else Shortfall.TOO_FEW_YEARS)


@pytest.mark.parametrize(("hours", "met"), [(0, False), (399, False), (400, True), (401, True)])
def test_four_hundred_certified_hours_is_the_boundary(hours, met):
    result = verdict({**EVERYTHING_MET, "certified_hours": hours}, Requirement.CERTIFICATION)
    assert result.met is met
    assert result.shortfall is (None if met else Shortfall.TOO_FEW_HOURS)


@pytest.mark.parametrize(
    ("private", "supervision", "shortfall"),
    [
        (True, True, None),
        (True, False, Shortfall.NO_SUPERVISION),
        (False, True, Shortfall.NO_PRIVATE_PRACTICE),
        (False, False, Shortfall.NEITHER_PRACTICE_NOR_SUPERVISION),
    ],
)
def test_private_practice_and_supervision_are_both_needed(private, supervision, shortfall):
    answers = {**EVERYTHING_MET, "private_practice": private, "supervision": supervision}
    assert verdict(answers, Requirement.PRACTICE).shortfall is shortfall


def test_payouts_and_the_fop_of_the_third_group():
    answers = {**EVERYTHING_MET, "payout": False, "fop": False}
    assert verdict(answers, Requirement.PAYOUTS).shortfall is Shortfall.NO_PAYOUT_METHOD
    assert verdict(answers, Requirement.LEGAL_FORM).shortfall is Shortfall.NOT_FOP_THIRD_GROUP
    assert not all_met(check_requirements(answers))


def test_an_unanswered_question_is_not_met_and_says_so():
    verdicts = check_requirements({})
    assert {v.shortfall for v in verdicts} == {Shortfall.NOT_ANSWERED}
