"""Vetting's use cases against in-memory fakes: drafts, decisions, and the timed messages they cause."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from core.applications import SUMMARY, Application, NotYours, Step, WrongStep
from core.applications import Form as F
from core.clock import ManualClock
from core.questionnaires import FIRST_QUESTIONS, InvalidAnswer, StalePosition, UploadedFile
from core.staff import StaffRole
from core.therapists import TherapistProfile
from core.usecases import vetting
from core.users import Role, User
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Kyiv
ADMIN, SECOND_ADMIN, SUPPORT, OLENA, IRYNA = 900, 901, 902, 1001, 7001
REVIEWERS = vetting.Reviewers(frozenset({ADMIN}), 2)
MB = 1024 * 1024


def person(telegram_id: int, *roles: Role, zone: str = "Europe/Kyiv") -> User:
    return User(telegram_id, f"P{telegram_id}", "uk", zone, NOW, roles=set(roles) or {Role.CLIENT})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def olena() -> User:
    return person(OLENA)


@pytest.fixture
def uow(olena) -> FakeUnitOfWork:
    # A full admin from the settings, a community manager, and a support person who does not review applications.
    return FakeUnitOfWork(
        olena, person(ADMIN), person(SECOND_ADMIN, Role.ADMIN), person(SUPPORT, Role.ADMIN),
        staff={StaffRole.COMMUNITY_MANAGER: [SECOND_ADMIN], StaffRole.SUPPORT: [SUPPORT]},
    )


FIRST_ANSWERS_TYPED = {
    "name": "Olena Koval",
    "country": "Ukraine",
    "city": "Lviv",
    "timezone": "warsaw",
    "practice_years": "5",
    "certified_hours": "450",
}
FIRST_ANSWERS_PICKED = {
    "education": "medical",
    "private_practice": "yes",
    "supervision": "yes",
    "approach": "cbt",
    "payout": "yes",
    "fop": "yes",
}


async def fill_first(uow, clock, applicant: User) -> Application:
    application = await vetting.begin_application(uow, clock, applicant, None)
    for q in FIRST_QUESTIONS:
        if q.key == "email":
            application = await vetting.skip_question(uow, clock, applicant, F.FIRST, "email")
        elif q.key in FIRST_ANSWERS_TYPED:
            application = await vetting.answer_typed(uow, clock, applicant, F.FIRST, FIRST_ANSWERS_TYPED[q.key])
        elif q.key in FIRST_ANSWERS_PICKED:
            application = await vetting.answer_option(uow, clock, applicant, F.FIRST, q.key, FIRST_ANSWERS_PICKED[q.key])
        else:
            first_option = q.options[0]
            await vetting.answer_option(uow, clock, applicant, F.FIRST, q.key, first_option)
            application = await vetting.finish_question(uow, clock, applicant, F.FIRST, q.key)
    return application


# -- the applicant's drafts -----------------------------------------------------

async def test_a_new_application_starts_at_the_first_question_and_is_the_same_on_a_second_try(uow, clock, olena):
    first = await vetting.begin_application(uow, clock, olena, None)
    again = await vetting.begin_application(uow, clock, olena, None)
    assert (first.step, first.position) == (Step.FIRST_DRAFT, "name")
    assert again.id == first.id
    assert len(uow.applications.rows) == 1


async def test_a_referral_code_records_the_therapist_or_applicant_who_shared_it(clock):
    iryna = TherapistProfile(IRYNA, "Iryna", "", "", 5, 100000, "Europe/Kyiv", share_code="irynacode")
    uow = FakeUnitOfWork(person(OLENA), person(1002), person(IRYNA, Role.THERAPIST), therapists=(iryna,))
    by_therapist = await vetting.begin_application(uow, clock, person(OLENA), "irynacode")
    by_applicant = await vetting.begin_application(uow, clock, person(1002), by_therapist.referral_code)
    assert by_therapist.referrer_id == IRYNA
    assert by_applicant.referrer_id == OLENA


async def test_an_own_or_unknown_referral_code_records_nobody(uow, clock, olena):
    application = await vetting.begin_application(uow, clock, olena, "nosuchcode")
    assert application.referrer_id is None
    again = await vetting.begin_application(uow, clock, olena, application.referral_code)
    assert again.referrer_id is None


async def test_a_therapist_cannot_apply_again(uow, clock):
    with pytest.raises(vetting.AlreadyTherapist):
        await vetting.begin_application(uow, clock, person(IRYNA, Role.THERAPIST), None)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("61", "out_of_range"), ("five", "not_a_number"), ("-1", "not_a_number"), ("2.5", "not_a_number")],
)
async def test_years_of_practice_out_of_range_or_not_a_number_keep_the_question(uow, clock, olena, typed, reason):
    application = await vetting.begin_application(uow, clock, olena, None)
    application.position = "practice_years"
    await uow.applications.save(application)
    with pytest.raises(InvalidAnswer) as refused:
        await vetting.answer_typed(uow, clock, olena, F.FIRST, typed)
    assert refused.value.reason == reason
    assert (await uow.applications.get(application.id)).position == "practice_years"


async def test_years_of_practice_take_zero_and_sixty(uow, clock, olena):
    application = await vetting.begin_application(uow, clock, olena, None)
    for typed in ("0", "60"):
        application.position = "practice_years"
        await uow.applications.save(application)
        application = await vetting.answer_typed(uow, clock, olena, F.FIRST, typed)
        assert application.first_answers["practice_years"] == int(typed)


async def test_a_bad_email_is_refused_and_a_good_one_taken(uow, clock, olena):
    await vetting.begin_application(uow, clock, olena, None)
    await vetting.answer_typed(uow, clock, olena, F.FIRST, "Olena Koval")
    with pytest.raises(InvalidAnswer) as refused:
        await vetting.answer_typed(uow, clock, olena, F.FIRST, "olena@nowhere")
    assert refused.value.reason == "not_an_email"
    application = await vetting.answer_typed(uow, clock, olena, F.FIRST, "olena@example.com")
    assert (application.first_answers["email"], application.position) == ("olena@example.com", "country")


async def test_back_returns_to_the_previous_question_with_the_answer_kept(uow, clock, olena):
    await vetting.begin_application(uow, clock, olena, None)
    await vetting.answer_typed(uow, clock, olena, F.FIRST, "Olena Koval")
    application = await vetting.go_back(uow, clock, olena, F.FIRST, "email")
    assert application.position == "name"
    assert application.first_answers["name"] == "Olena Koval"
    kept = await vetting.finish_question(uow, clock, olena, F.FIRST, "name")
    assert kept.position == "email"


async def test_a_button_of_another_question_is_refused(uow, clock, olena):
    await vetting.begin_application(uow, clock, olena, None)
    with pytest.raises(StalePosition):
        await vetting.answer_option(uow, clock, olena, F.FIRST, "education", "medical")


async def test_the_time_zone_answer_becomes_the_applicants_zone(uow, clock, olena):
    await fill_first(uow, clock, olena)
    assert (olena.timezone, olena.timezone_chosen) == ("Europe/Warsaw", True)


async def test_several_choices_need_at_least_one(uow, clock, olena):
    application = await vetting.begin_application(uow, clock, olena, None)
    application.position = "languages"
    await uow.applications.save(application)
    with pytest.raises(InvalidAnswer) as refused:
        await vetting.finish_question(uow, clock, olena, F.FIRST, "languages")
    assert refused.value.reason == "none_chosen"
    await vetting.answer_option(uow, clock, olena, F.FIRST, "languages", "uk")
    await vetting.answer_option(uow, clock, olena, F.FIRST, "languages", "en")
    toggled = await vetting.answer_option(uow, clock, olena, F.FIRST, "languages", "uk")
    assert toggled.first_answers["languages"] == ["en"]
    assert toggled.position == "languages"


async def test_every_answer_leads_to_the_summary_and_an_edit_comes_back_to_it(uow, clock, olena):
    application = await fill_first(uow, clock, olena)
    assert application.position == SUMMARY
    editing = await vetting.edit_answer(uow, clock, olena, F.FIRST, "city")
    assert (editing.position, editing.editing) == ("city", True)
    edited = await vetting.answer_typed(uow, clock, olena, F.FIRST, "Kyiv")
    assert (edited.position, edited.editing, edited.first_answers["city"]) == (SUMMARY, False, "Kyiv")


async def test_sending_before_the_summary_is_refused(uow, clock, olena):
    await vetting.begin_application(uow, clock, olena, None)
    with pytest.raises(StalePosition):
        await vetting.submit_first(uow, clock, olena, REVIEWERS)


# -- sending and the admins ------------------------------------------------------

async def test_sending_tells_every_reviewer_and_arms_the_forgotten_reminder(uow, clock, olena):
    await fill_first(uow, clock, olena)
    application = await vetting.submit_first(uow, clock, olena, REVIEWERS)

    assert application.step is Step.SUBMITTED
    assert Role.APPLICANT in olena.roles
    told = uow.timed_messages.pending("vetting.submitted")
    assert sorted(m.recipient_id for m in told) == [ADMIN, SECOND_ADMIN]
    reminders = uow.timed_messages.pending("vetting.untouched")
    # Tuesday 10:00 in Kyiv + 2 business days = Thursday 10:00 (08:00 UTC).
    assert {m.due_at for m in reminders} == {datetime(2026, 11, 26, 8, 0, tzinfo=UTC)}
    assert [e.action.value for e in uow.applications.events] == ["started", "submitted"]


async def test_the_forgotten_reminder_skips_a_weekend(uow, clock, olena):
    clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # a Friday
    await fill_first(uow, clock, olena)
    await vetting.submit_first(uow, clock, olena, REVIEWERS)
    due = {m.due_at for m in uow.timed_messages.pending("vetting.untouched")}
    assert due == {datetime(2026, 12, 1, 12, 0, tzinfo=UTC)}  # the Tuesday after


async def submitted(uow, clock, olena) -> Application:
    await fill_first(uow, clock, olena)
    return await vetting.submit_first(uow, clock, olena, REVIEWERS)


async def test_an_invitation_confirmed_schedules_reminders_to_both_a_day_and_an_hour_before(uow, clock, olena):
    application = await submitted(uow, clock, olena)
    at = NOW + timedelta(days=3)
    await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, [at], "https://meet.example/abc", REVIEWERS)
    assert [m.recipient_id for m in uow.timed_messages.pending("vetting.interview_invitation")] == [OLENA]
    assert uow.timed_messages.pending("vetting.untouched") == []  # the ball is with the applicant now

    confirmed = await vetting.confirm_interview(uow, clock, olena, application.id, 1, 0, REVIEWERS)

    assert (confirmed.step, confirmed.interview.at) == (Step.INTERVIEW_SCHEDULED, at)
    reminders = uow.timed_messages.pending("vetting.interview_reminder")
    assert sorted((m.recipient_id, m.due_at) for m in reminders) == sorted(
        (who, at - lead) for who in (OLENA, ADMIN) for lead in (timedelta(hours=24), timedelta(hours=1))
    )
    assert [m.recipient_id for m in uow.timed_messages.pending("vetting.interview_confirmed")] == [ADMIN]


async def test_a_new_invitation_replaces_the_old_one_and_its_reminders(uow, clock, olena):
    application = await submitted(uow, clock, olena)
    admin = person(ADMIN)
    await vetting.invite_to_interview(uow, clock, admin, application.id, [NOW + timedelta(days=3)], "https://m.example/a", REVIEWERS)
    await vetting.confirm_interview(uow, clock, olena, application.id, 1, 0, REVIEWERS)
    times = [NOW + timedelta(days=4), NOW + timedelta(days=5)]
    await vetting.invite_to_interview(uow, clock, admin, application.id, times, "https://m.example/b", REVIEWERS)

    assert uow.timed_messages.pending("vetting.interview_reminder") == []
    with pytest.raises(vetting.OutdatedInvitation):
        await vetting.confirm_interview(uow, clock, olena, application.id, 1, 0, REVIEWERS)
    picked = await vetting.confirm_interview(uow, clock, olena, application.id, 2, 1, REVIEWERS)
    assert picked.interview.at == times[1]


async def test_only_the_applicant_answers_their_invitation(uow, clock, olena):
    application = await submitted(uow, clock, olena)
    await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, [NOW + timedelta(days=1)], "https://m.example/a", REVIEWERS)
    with pytest.raises(NotYours):
        await vetting.confirm_interview(uow, clock, person(1002), application.id, 1, 0, REVIEWERS)


@pytest.mark.parametrize(
    ("times", "link", "reason"),
    [
        ([NOW - timedelta(minutes=1)], "https://m.example/a", "time_passed"),
        ([], "https://m.example/a", "times_count"),
        ([NOW + timedelta(days=d) for d in (1, 2, 3, 4)], "https://m.example/a", "times_count"),
        ([NOW + timedelta(days=1)], "zoom me", "bad_link"),
    ],
)
async def test_an_invitation_needs_one_to_three_future_times_and_a_link(uow, clock, olena, times, link, reason):
    application = await submitted(uow, clock, olena)
    with pytest.raises(vetting.InvalidDecision) as refused:
        await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, times, link, REVIEWERS)
    assert refused.value.reason == reason


async def test_a_scheduled_interview_is_forgotten_counting_from_its_time(uow, clock, olena):
    application = await submitted(uow, clock, olena)
    at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday 11:00 in Kyiv
    await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, [at], "https://m.example/a", REVIEWERS)
    await vetting.confirm_interview(uow, clock, olena, application.id, 1, 0, REVIEWERS)
    due = {m.due_at for m in uow.timed_messages.pending("vetting.untouched")}
    assert due == {datetime(2026, 12, 1, 9, 0, tzinfo=UTC)}


async def interviewed(uow, clock, olena) -> Application:
    application = await submitted(uow, clock, olena)
    assert application.id is not None
    await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, [NOW + timedelta(days=1)], "https://m.example/a", REVIEWERS)
    await vetting.confirm_interview(uow, clock, olena, application.id, 1, 0, REVIEWERS)
    return await vetting.mark_interview_held(uow, clock, person(ADMIN), application.id, REVIEWERS)


async def test_the_interview_held_sends_the_second_questionnaire_filled_from_the_first(uow, clock, olena):
    application = await interviewed(uow, clock, olena)
    assert application.step is Step.INTERVIEW_HELD
    assert application.second_answers == {"topics": ["anxiety"], "approaches": ["cbt"]}
    assert application.position == "education_documents"
    assert uow.timed_messages.pending("vetting.interview_reminder") == []
    assert [m.recipient_id for m in uow.timed_messages.pending("vetting.second_questionnaire")] == [OLENA]


PDF = UploadedFile("file-1", "u1", "document", "application/pdf", 2 * MB, "diploma.pdf")


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (replace(PDF, mime="application/msword", name="cv.doc"), "wrong_file_type"),
        (replace(PDF, size=21 * MB), "file_too_large"),
    ],
)
async def test_a_document_of_the_wrong_type_or_too_large_is_refused(uow, clock, olena, file, reason):
    await interviewed(uow, clock, olena)
    with pytest.raises(InvalidAnswer) as refused:
        await vetting.add_file(uow, clock, olena, F.SECOND, file, max_bytes=20 * MB)
    assert refused.value.reason == reason


async def test_documents_gather_until_done_once_each(uow, clock, olena):
    await interviewed(uow, clock, olena)
    await vetting.add_file(uow, clock, olena, F.SECOND, PDF, max_bytes=20 * MB)
    photo = UploadedFile("photo-1", "u2", "photo", "image/jpeg", MB)
    application = await vetting.add_file(uow, clock, olena, F.SECOND, photo, max_bytes=20 * MB)
    with pytest.raises(InvalidAnswer) as twice:
        await vetting.add_file(uow, clock, olena, F.SECOND, PDF, max_bytes=20 * MB)
    assert twice.value.reason == "duplicate_file"
    assert [f["file_id"] for f in application.second_answers["education_documents"]] == ["file-1", "photo-1"]
    assert application.step is Step.SECOND_DRAFT
    done = await vetting.finish_question(uow, clock, olena, F.SECOND, "education_documents")
    assert done.position == "certificates"


async def fill_second(uow, clock, olena) -> Application:
    application = await interviewed(uow, clock, olena)
    await vetting.add_file(uow, clock, olena, F.SECOND, PDF, max_bytes=20 * MB)
    await vetting.finish_question(uow, clock, olena, F.SECOND, "education_documents")
    await vetting.add_file(uow, clock, olena, F.SECOND, replace(PDF, file_id="cert", unique_id="c1"), max_bytes=20 * MB)
    await vetting.finish_question(uow, clock, olena, F.SECOND, "certificates")
    await vetting.answer_typed(uow, clock, olena, F.SECOND, "Lviv University, psychology, 2015")
    await vetting.answer_typed(uow, clock, olena, F.SECOND, "Ten years of practice with adults. " * 5)
    await vetting.answer_typed(uow, clock, olena, F.SECOND, "I help adults with anxiety and burnout. " * 5)
    with pytest.raises(InvalidAnswer) as not_a_photo:
        await vetting.add_file(uow, clock, olena, F.SECOND, replace(PDF, mime="image/png"), max_bytes=20 * MB)
    assert not_a_photo.value.reason == "not_a_photo"
    await vetting.add_file(uow, clock, olena, F.SECOND, UploadedFile("portrait", "p1", "photo"), max_bytes=20 * MB)
    await vetting.answer_typed(uow, clock, olena, F.SECOND, "1 200 грн")
    await vetting.finish_question(uow, clock, olena, F.SECOND, "topics")
    application = await vetting.finish_question(uow, clock, olena, F.SECOND, "approaches")
    assert application.position == "name_en"  # the English texts: a name given, the rest skipped
    await vetting.answer_typed(uow, clock, olena, F.SECOND, "Olena Koval")
    await vetting.skip_question(uow, clock, olena, F.SECOND, "education_en")
    application = await vetting.skip_question(uow, clock, olena, F.SECOND, "about_en")
    assert application.position == SUMMARY
    return await vetting.submit_second(uow, clock, olena, REVIEWERS)


async def test_approval_creates_the_profile_unpublished_and_tells_when_it_goes_live(uow, clock, olena):
    application = await fill_second(uow, clock, olena)
    approved = await vetting.approve(uow, clock, person(ADMIN), application.id, REVIEWERS)

    profile = uow.therapists.rows[OLENA]
    assert (profile.full_name, profile.experience_years, profile.price_minor) == ("Olena Koval", 5, 120_000)
    assert (profile.timezone, profile.topics, profile.approaches, profile.languages) == (
        "Europe/Warsaw", ["anxiety"], ["cbt"], ["uk"]
    )
    assert (profile.photo_file_id, profile.verified, profile.share_code) == ("portrait", False, approved.referral_code)
    assert (profile.name_en, profile.education_en, profile.about_en) == ("Olena Koval", None, None)  # as given
    assert vetting.goes_live_between(approved) == (date(2026, 12, 3), date(2026, 12, 8))
    assert [m.recipient_id for m in uow.timed_messages.pending("vetting.approved")] == [OLENA]


async def test_publishing_makes_the_applicant_a_verified_therapist_invited_to_the_cabinet(uow, clock, olena):
    application = await fill_second(uow, clock, olena)
    await vetting.approve(uow, clock, person(ADMIN), application.id, REVIEWERS)
    _published, therapist = await vetting.publish(uow, clock, person(ADMIN), application.id, REVIEWERS)

    assert uow.therapists.rows[OLENA].verified
    assert Role.THERAPIST in therapist.roles and Role.APPLICANT not in therapist.roles
    assert [m.recipient_id for m in uow.timed_messages.pending("vetting.published")] == [OLENA]
    assert uow.timed_messages.pending("vetting.untouched") == []
    assert [e.actor_id for e in uow.applications.events if e.action.value in {"approved", "published"}] == [ADMIN, ADMIN]


async def test_a_decline_cancels_what_was_waiting_and_a_stale_decision_is_refused(uow, clock, olena):
    application = await submitted(uow, clock, olena)
    await vetting.invite_to_interview(uow, clock, person(ADMIN), application.id, [NOW + timedelta(days=1)], "https://m.example/a", REVIEWERS)
    declined = await vetting.decline(uow, clock, person(SECOND_ADMIN), application.id, "Not now.", REVIEWERS)

    assert (declined.step, declined.declined_at_step, declined.decline_reason) == (
        Step.DECLINED, Step.INTERVIEW_INVITED, "Not now."
    )
    # The unread notices, the invitation: nothing about it is sent any more but the answer.
    assert [m.kind for m in uow.timed_messages.pending()] == ["vetting.declined"]
    assert Role.APPLICANT not in uow.users.rows[OLENA].roles
    with pytest.raises(WrongStep) as stale:
        await vetting.approve(uow, clock, person(ADMIN), application.id, REVIEWERS)
    assert stale.value.step is Step.DECLINED
    history = uow.applications.events[-1]
    assert (history.actor_id, history.note, history.at) == (SECOND_ADMIN, "Not now.", NOW)
    assert [(e.actor_id, e.action, e.subject_id) for e in uow.audit.entries] == [
        (ADMIN, "vetting.invited", OLENA), (SECOND_ADMIN, "vetting.declined", OLENA)
    ]


async def test_the_forgotten_reminder_is_rearmed_on_every_change(uow, clock, olena):
    application = await fill_second(uow, clock, olena)
    before = uow.timed_messages.pending("vetting.untouched")
    clock.advance(timedelta(hours=3))
    await vetting.approve(uow, clock, person(ADMIN), application.id, REVIEWERS)
    after = uow.timed_messages.pending("vetting.untouched")
    assert {m.params["version"] for m in before}.isdisjoint({m.params["version"] for m in after})
    assert {m.due_at for m in after} == {datetime(2026, 11, 26, 11, 0, tzinfo=UTC)}


async def test_an_unsent_draft_can_be_discarded(uow, clock, olena):
    await vetting.begin_application(uow, clock, olena, None)
    await vetting.discard_draft(uow, olena)
    assert uow.applications.rows == {}
