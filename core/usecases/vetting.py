"""Vetting: an applicant's questionnaires, and the community manager's decisions on them.

Every change is saved with its history line and the timed messages it causes
(the applicant told of a decision, admins told of something to review,
interview reminders), in one transaction.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import questionnaires as q
from core.applications import (
    AWAITING_ADMIN,
    DRAFT_STEPS,
    FINISHED,
    IN_REVIEW,
    SUMMARY,
    Action,
    Application,
    ApplicationError,
    ApplicationEvent,
    ApplicationNotFound,
    Form,
    Interview,
    NotYours,
    Step,
    WrongStep,
)
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.rules.business_days import add_business_days, business_days_range
from core.staff import ROLE_PERMISSIONS, Permission
from core.therapists import APPROACHES, TherapistProfile
from core.usecases.audit import record
from core.usecases.notices import cancel_all, notify, schedule
from core.usecases.users import UnknownTimezone, resolve_timezone
from core.users import Role, User

PLATFORM_ZONE = ZoneInfo("Europe/Kyiv")  # business days are Ukrainian ones
GOES_LIVE_WITHIN = (7, 10)  # business days after approval
REMINDER_LEADS = (timedelta(hours=24), timedelta(hours=1))
MAX_PROPOSED_TIMES = 3
MEETING_LINK = re.compile(r"^https?://\S+\.\S+$")
MAX_LINK_LENGTH = 300
MAX_REASON_LENGTH = 1500
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: a code may be read aloud
CODE_LENGTH = 8


class VettingNotice(Notice):
    """An application's messages, to its applicant and to the admins: bot/notices/vetting.py."""

    SUBMITTED = "vetting.submitted"
    SECOND_SUBMITTED = "vetting.second_submitted"
    UNTOUCHED = "vetting.untouched"
    INTERVIEW_INVITATION = "vetting.interview_invitation"
    INTERVIEW_CONFIRMED = "vetting.interview_confirmed"
    OTHER_TIMES_ASKED = "vetting.other_times_asked"
    INTERVIEW_REMINDER = "vetting.interview_reminder"
    SECOND_QUESTIONNAIRE = "vetting.second_questionnaire"
    APPROVED = "vetting.approved"
    DECLINED = "vetting.declined"
    PUBLISHED = "vetting.published"


@dataclass(frozen=True)
class Reviewers:
    """Who reviews applications, and how long an application may wait for them."""

    configured_ids: frozenset[int]  # full admins, named in the settings
    remind_after_business_days: int


class AlreadyTherapist(ApplicationError):
    pass


class Incomplete(ApplicationError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(missing)
        self.missing = missing


class OutdatedInvitation(ApplicationError):
    """A button of an invitation that was replaced, or a time that has passed."""


class InvalidDecision(ApplicationError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- the applicant ------------------------------------------------------------

async def begin_application(uow: UnitOfWork, clock: Clock, applicant: User, referral_code: str | None) -> Application:
    """The applicant's application in progress, or a new first-questionnaire draft."""
    if Role.THERAPIST in applicant.roles:
        raise AlreadyTherapist()
    existing = await uow.applications.active_for(applicant.telegram_id)
    if existing is not None:
        if existing.referrer_id is None and existing.step is Step.FIRST_DRAFT and referral_code:
            existing.referrer_id = await _referrer(uow, referral_code, applicant.telegram_id)
            await _save(uow, clock, existing)
            await uow.commit()
        return existing
    now = clock.now()
    application = Application(
        applicant_id=applicant.telegram_id,
        referral_code=await _new_code(uow),
        created_at=now,
        updated_at=now,
        referrer_id=await _referrer(uow, referral_code, applicant.telegram_id) if referral_code else None,
    )
    q.begin(application, Form.FIRST)
    await uow.applications.add(application)
    await _log(uow, clock, application, applicant.telegram_id, Action.STARTED)
    await uow.commit()
    return application


async def current_application(uow: UnitOfWork, applicant_id: int) -> Application | None:
    """The newest application of this person, finished or not."""
    return await uow.applications.latest_for(applicant_id)


async def draft_to_resume(uow: UnitOfWork, person_id: int) -> Application | None:
    """An unfinished questionnaire to bring back when its author writes something stray.

    Not for someone who talks with a therapist here: their stray text is for the therapist.
    """
    application = await uow.applications.active_for(person_id)
    if application is None or application.step not in DRAFT_STEPS[Form.FIRST] | DRAFT_STEPS[Form.SECOND]:
        return None
    if await uow.conversations.of_client(person_id):
        return None
    return application


async def open_draft(uow: UnitOfWork, applicant_id: int, form: Form) -> Application:
    application = await uow.applications.active_for(applicant_id)
    if application is None:
        raise ApplicationNotFound()
    if application.step not in DRAFT_STEPS[form]:
        raise WrongStep(application.step)
    return application


async def answer_typed(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, text: str) -> Application:
    """A typed message answers the question the draft stands at."""

    def change(application: Application) -> None:
        if application.position == SUMMARY:
            raise q.InvalidAnswer("at_summary")
        question = q.question(form, application.position)
        if question.kind is q.Kind.ZONE:
            try:
                value: Any = resolve_timezone(text)
            except UnknownTimezone as error:
                raise q.InvalidAnswer("unknown_zone") from error
        elif question.typed:
            value = q.parse_typed(question, text)
        else:
            raise q.InvalidAnswer("use_buttons" if question.kind not in {q.Kind.FILES, q.Kind.PHOTO} else "send_file")
        q.answer(application, form, question.key, value)

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def answer_option(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str, code: str) -> Application:
    """A button: picks the answer, or toggles one option of a several-choice question."""

    def change(application: Application) -> None:
        q.expect(application, key)
        question = q.question(form, key)
        value = q.parse_option(question, code)
        if question.kind is not q.Kind.MULTI:
            q.answer(application, form, key, value)
            return
        chosen = list(application.answers(form).get(key) or [])
        chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
        application.answers(form)[key] = [option for option in question.options if option in chosen]

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def finish_question(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str) -> Application:
    """"Done" after choosing options or sending files, or "keep as is" for an answer given before."""

    def change(application: Application) -> None:
        q.expect(application, key)
        question = q.question(form, key)
        if not q.is_answered(question, application.answers(form)):
            raise q.InvalidAnswer("no_files" if question.kind is q.Kind.FILES else "none_chosen")
        q.advance(application, form)

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def skip_question(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str) -> Application:
    """Only the e-mail (Telegram is enough to reach the applicant) and the English texts may be skipped."""

    def change(application: Application) -> None:
        question = q.question(form, key)
        if question.kind is not q.Kind.EMAIL and not question.optional:
            raise q.InvalidAnswer("not_optional")
        q.answer(application, form, key, None)

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def go_back(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str) -> Application:
    def change(application: Application) -> None:
        q.expect(application, key)
        q.back(application, form)

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def edit_answer(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str) -> Application:
    application = await _change_draft(uow, clock, applicant, form, lambda a: q.edit(a, form, key))
    await uow.commit()
    return application


async def add_file(
    uow: UnitOfWork, clock: Clock, applicant: User, form: Form, file: q.UploadedFile, *, max_bytes: int
) -> Application:
    """A document or photo answers the question the draft stands at; documents gather until "Done"."""

    def change(application: Application) -> None:
        if application.position == SUMMARY:
            raise q.InvalidAnswer("at_summary")
        question = q.question(form, application.position)
        if question.kind not in {q.Kind.FILES, q.Kind.PHOTO}:
            raise q.InvalidAnswer("file_not_expected")
        answers = application.answers(form)
        if question.kind is q.Kind.PHOTO:
            q.check_file(question, file, 0, max_bytes)
            q.answer(application, form, question.key, file.as_answer())
            return
        files = list(answers.get(question.key) or [])
        if any(known["unique_id"] == file.unique_id for known in files):
            raise q.InvalidAnswer("duplicate_file")
        q.check_file(question, file, len(files), max_bytes)
        answers[question.key] = [*files, file.as_answer()]

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def remove_files(uow: UnitOfWork, clock: Clock, applicant: User, form: Form, key: str) -> Application:
    def change(application: Application) -> None:
        q.expect(application, key)
        application.answers(form)[key] = []

    application = await _change_draft(uow, clock, applicant, form, change)
    await uow.commit()
    return application


async def discard_draft(uow: UnitOfWork, applicant: User) -> None:
    """An unsent first questionnaire the applicant no longer wants: gone, nothing kept."""
    application = await open_draft(uow, applicant.telegram_id, Form.FIRST)
    await uow.applications.delete(application)
    await uow.commit()


async def submit_first(uow: UnitOfWork, clock: Clock, applicant: User, reviewers: Reviewers) -> Application:
    application = await _ready_to_send(uow, applicant.telegram_id, Form.FIRST)
    application.step = Step.SUBMITTED
    application.submitted_at = clock.now()
    applicant.roles.add(Role.APPLICANT)
    await uow.users.save(applicant)
    await _record(uow, clock, application, applicant.telegram_id, Action.SUBMITTED, reviewers)
    await _tell_admins(uow, clock, application, VettingNotice.SUBMITTED, reviewers)
    await uow.commit()
    return application


async def submit_second(uow: UnitOfWork, clock: Clock, applicant: User, reviewers: Reviewers) -> Application:
    application = await _ready_to_send(uow, applicant.telegram_id, Form.SECOND)
    application.step = Step.SECOND_SUBMITTED
    await _record(uow, clock, application, applicant.telegram_id, Action.SECOND_SUBMITTED, reviewers)
    await _tell_admins(uow, clock, application, VettingNotice.SECOND_SUBMITTED, reviewers)
    await uow.commit()
    return application


async def confirm_interview(
    uow: UnitOfWork, clock: Clock, applicant: User, application_id: int, invitation_no: int, choice: int,
    reviewers: Reviewers,
) -> Application:
    """The applicant agrees to a time: both sides get reminders a day and an hour before."""
    application = await _invitation(uow, applicant, application_id, invitation_no)
    interview = application.interview
    assert interview is not None
    if not 0 <= choice < len(interview.times) or interview.times[choice] <= clock.now():
        raise OutdatedInvitation()
    interview.at = interview.times[choice]
    application.step = Step.INTERVIEW_SCHEDULED
    await _record(uow, clock, application, applicant.telegram_id, Action.CONFIRMED, reviewers, note=interview.at.isoformat())
    for recipient in (application.applicant_id, interview.interviewer_id):
        for lead in REMINDER_LEADS:
            due = interview.at - lead
            if due > clock.now():
                hours = int(lead.total_seconds() // 3600)
                await schedule(
                    uow, clock, kind=VettingNotice.INTERVIEW_REMINDER, recipient_id=recipient, at=due,
                    key=f"{_prefix(application)}reminder:{interview.invitation_no}:{hours}h:{recipient}",
                    application_id=application.id, invitation_no=interview.invitation_no, hours=hours,
                )
    await notify(
        uow, clock, kind=VettingNotice.INTERVIEW_CONFIRMED, recipient_id=interview.interviewer_id,
        key=f"{_prefix(application)}confirmed:{interview.invitation_no}",
        application_id=application.id, invitation_no=interview.invitation_no,
    )
    await uow.commit()
    return application


async def ask_for_other_times(
    uow: UnitOfWork, clock: Clock, applicant: User, application_id: int, invitation_no: int
) -> Application:
    """None of the offered times suits the applicant: the interviewer is asked for others."""
    application = await _invitation(uow, applicant, application_id, invitation_no)
    interview = application.interview
    assert interview is not None
    await _log(uow, clock, application, applicant.telegram_id, Action.OTHER_TIME_ASKED)
    await notify(
        uow, clock, kind=VettingNotice.OTHER_TIMES_ASKED, recipient_id=interview.interviewer_id,
        key=f"{_prefix(application)}other_times:{interview.invitation_no}",
        application_id=application.id, invitation_no=interview.invitation_no,
    )
    await uow.commit()
    return application


# -- the community manager ----------------------------------------------------

async def review_queue(uow: UnitOfWork) -> list[Application]:
    """Everything sent and not finished, the longest waiting first."""
    return await uow.applications.in_steps(IN_REVIEW)


@dataclass(frozen=True)
class ReviewFile:
    """An application as an admin reviews it: with its history and the people it names."""

    application: Application
    applicant: User | None
    history: list[ApplicationEvent]
    names: dict[int, str]  # the applicant, the referrer, the interviewer, whoever acted on it


async def application_for_review(uow: UnitOfWork, application_id: int) -> ReviewFile:
    application = await _get(uow, application_id)
    if application.step is Step.FIRST_DRAFT:
        raise ApplicationNotFound()  # an unsent draft is the applicant's own
    history = await uow.applications.history(application_id)
    named = {application.applicant_id, *(event.actor_id for event in history)}
    if application.referrer_id is not None:
        named.add(application.referrer_id)
    if application.interview is not None:
        named.add(application.interview.interviewer_id)
    names = {}
    for person_id in named:
        # A therapist (say, the one whose link brought the applicant) is known by the full name of
        # their profile, not by their Telegram first name.
        therapist = await uow.therapists.get(person_id)
        person = await uow.users.get(person_id)
        if therapist is not None:
            names[person_id] = therapist.full_name
        elif person is not None:
            names[person_id] = person.staff_name
    return ReviewFile(application, await uow.users.get(application.applicant_id), history, names)


async def invite_to_interview(
    uow: UnitOfWork, clock: Clock, admin: User, application_id: int, times: list[datetime], link: str,
    reviewers: Reviewers,
) -> Application:
    """One time for the applicant to confirm, or two or three to pick from; a new invitation replaces the last."""
    application = await _get(uow, application_id)
    _require(application, Step.SUBMITTED, Step.INTERVIEW_INVITED, Step.INTERVIEW_SCHEDULED)
    times = sorted(set(times))
    if not 1 <= len(times) <= MAX_PROPOSED_TIMES:
        raise InvalidDecision("times_count")
    if times[0] <= clock.now():
        raise InvalidDecision("time_passed")
    link = link.strip()
    if len(link) > MAX_LINK_LENGTH or not MEETING_LINK.match(link):
        raise InvalidDecision("bad_link")
    number = application.interview.invitation_no + 1 if application.interview else 1
    application.interview = Interview(times, link, admin.telegram_id, number)
    application.step = Step.INTERVIEW_INVITED
    await cancel_all(uow, f"{_prefix(application)}reminder:")
    note = " | ".join([*(t.isoformat() for t in times), link])
    await _record(uow, clock, application, admin.telegram_id, Action.INVITED, reviewers, note=note)
    await notify(
        uow, clock, kind=VettingNotice.INTERVIEW_INVITATION, recipient_id=application.applicant_id,
        key=f"{_prefix(application)}invitation:{number}", application_id=application.id, invitation_no=number,
    )
    await uow.commit()
    return application


async def mark_interview_held(
    uow: UnitOfWork, clock: Clock, admin: User, application_id: int, reviewers: Reviewers
) -> Application:
    """The second questionnaire goes to the applicant, with topics and approaches from the first filled in."""
    application = await _get(uow, application_id)
    _require(application, Step.INTERVIEW_SCHEDULED)
    application.step = Step.INTERVIEW_HELD
    first = application.first_answers
    application.second_answers = {
        "topics": list(first.get("topics") or []),
        "approaches": [first["approach"]] if first.get("approach") in APPROACHES else [],
    }
    q.begin(application, Form.SECOND)
    await cancel_all(uow, f"{_prefix(application)}reminder:")
    await _record(uow, clock, application, admin.telegram_id, Action.HELD, reviewers)
    await notify(
        uow, clock, kind=VettingNotice.SECOND_QUESTIONNAIRE, recipient_id=application.applicant_id,
        key=f"{_prefix(application)}second", application_id=application.id,
    )
    await uow.commit()
    return application


async def approve(uow: UnitOfWork, clock: Clock, admin: User, application_id: int, reviewers: Reviewers) -> Application:
    """The therapist profile is built from the questionnaires, still unpublished."""
    application = await _get(uow, application_id)
    _require(application, Step.SECOND_SUBMITTED)
    await _build_profile(uow, application)
    application.step = Step.APPROVED
    application.approved_at = clock.now()
    await _record(uow, clock, application, admin.telegram_id, Action.APPROVED, reviewers)
    await notify(
        uow, clock, kind=VettingNotice.APPROVED, recipient_id=application.applicant_id,
        key=f"{_prefix(application)}approved", application_id=application.id,
    )
    await uow.commit()
    return application


async def publish(
    uow: UnitOfWork, clock: Clock, admin: User, application_id: int, reviewers: Reviewers
) -> tuple[Application, User]:
    """The profile goes live; the applicant becomes a therapist (returned) and is invited into the cabinet."""
    application = await _get(uow, application_id)
    _require(application, Step.APPROVED)
    profile = await uow.therapists.get(application.applicant_id)
    therapist = await uow.users.get(application.applicant_id)
    if profile is None or therapist is None:
        raise ApplicationNotFound()
    profile.verified = True
    profile.hidden = False
    profile.published_at = clock.now()
    await uow.therapists.save(profile)
    therapist.roles.add(Role.THERAPIST)
    therapist.roles.discard(Role.APPLICANT)
    await uow.users.save(therapist)
    application.step = Step.PUBLISHED
    await _record(uow, clock, application, admin.telegram_id, Action.PUBLISHED, reviewers)
    await notify(
        uow, clock, kind=VettingNotice.PUBLISHED, recipient_id=application.applicant_id,
        key=f"{_prefix(application)}published", application_id=application.id,
    )
    await uow.commit()
    return application, therapist


async def decline(
    uow: UnitOfWork, clock: Clock, admin: User, application_id: int, reason: str, reviewers: Reviewers
) -> Application:
    application = await _get(uow, application_id)
    if application.step in FINISHED or application.step is Step.FIRST_DRAFT:
        raise WrongStep(application.step)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise InvalidDecision("bad_reason")
    # Nothing still waiting for this application is sent any more: invitations, reminders.
    await cancel_all(uow, _prefix(application))
    application.declined_at_step = application.step
    application.step = Step.DECLINED
    application.decline_reason = reason
    applicant = await uow.users.get(application.applicant_id)
    if applicant is not None:
        applicant.roles.discard(Role.APPLICANT)
        await uow.users.save(applicant)
    await _record(uow, clock, application, admin.telegram_id, Action.DECLINED, reviewers, note=reason)
    await notify(
        uow, clock, kind=VettingNotice.DECLINED, recipient_id=application.applicant_id,
        key=f"{_prefix(application)}declined", application_id=application.id,
    )
    await uow.commit()
    return application


# -- what follows from the rules ----------------------------------------------

def goes_live_between(application: Application) -> tuple[date, date]:
    """"Within 7–10 business days" of the approval, as dates."""
    assert application.approved_at is not None
    return business_days_range(application.approved_at.astimezone(PLATFORM_ZONE).date(), *GOES_LIVE_WITHIN)


def reminder_due(application: Application, now: datetime, business_days: int) -> datetime:
    """When an application waiting for an admin counts as forgotten.

    A scheduled interview is counted from its time: nothing is due before it is held.
    """
    start = now
    if application.step is Step.INTERVIEW_SCHEDULED and application.interview and application.interview.at:
        start = max(now, application.interview.at)
    local = start.astimezone(PLATFORM_ZONE)
    day = add_business_days(local.date(), business_days)
    return datetime.combine(day, local.time(), tzinfo=PLATFORM_ZONE).astimezone(UTC)


async def admin_recipients(uow: UnitOfWork, reviewers: Reviewers) -> list[int]:
    """Who hears about applications: full admins who have started the bot, and staff whose role reviews them."""
    known = {admin_id for admin_id in reviewers.configured_ids if await uow.users.get(admin_id) is not None}
    for role, permissions in ROLE_PERMISSIONS.items():
        if Permission.REVIEW_APPLICATIONS in permissions:
            known.update(await uow.staff.holders(role))
    return sorted(known)


# -- inside -------------------------------------------------------------------

def _prefix(application: Application) -> str:
    return f"vetting:{application.id}:"


async def _get(uow: UnitOfWork, application_id: int) -> Application:
    application = await uow.applications.get(application_id)
    if application is None:
        raise ApplicationNotFound()
    return application


def _require(application: Application, *steps: Step) -> None:
    if application.step not in steps:
        raise WrongStep(application.step)


async def _invitation(uow: UnitOfWork, applicant: User, application_id: int, invitation_no: int) -> Application:
    application = await _get(uow, application_id)
    if application.applicant_id != applicant.telegram_id:
        raise NotYours()
    _require(application, Step.INTERVIEW_INVITED)
    if application.interview is None or application.interview.invitation_no != invitation_no:
        raise OutdatedInvitation()
    return application


async def _change_draft(
    uow: UnitOfWork, clock: Clock, applicant: User, form: Form, change: Callable[[Application], None]
) -> Application:
    application = await open_draft(uow, applicant.telegram_id, form)
    if applicant.timezone_chosen:
        # The zone was asked at /start or chosen in the settings: the questionnaire takes it instead of asking again.
        application.first_answers.setdefault("timezone", applicant.timezone)
    zone_before = application.first_answers.get("timezone")
    change(application)
    if form is Form.SECOND:
        application.step = Step.SECOND_DRAFT
    zone = application.first_answers.get("timezone")
    if zone and zone != zone_before:
        # The zone the applicant gave is the one their interview times are shown in.
        applicant.timezone, applicant.timezone_chosen = zone, True
        await uow.users.save(applicant)
    await _save(uow, clock, application)
    return application


async def _ready_to_send(uow: UnitOfWork, applicant_id: int, form: Form) -> Application:
    application = await open_draft(uow, applicant_id, form)
    q.expect(application, SUMMARY)
    missing = q.unanswered(form, application.answers(form))
    if missing:
        raise Incomplete(missing)
    return application


async def _save(uow: UnitOfWork, clock: Clock, application: Application) -> None:
    application.updated_at = clock.now()
    application.version += 1
    await uow.applications.save(application)


async def _log(uow: UnitOfWork, clock: Clock, application: Application, actor_id: int, action: Action, note: str = "") -> None:
    assert application.id is not None
    await uow.applications.log(ApplicationEvent(application.id, actor_id, action, clock.now(), note))
    if action in STAFF_DECISIONS:
        # A reviewer's decision on a person's application belongs in the platform's audit log too.
        await record(uow, clock, actor_id, f"vetting.{action.value}", application.applicant_id, application=application.id)


STAFF_DECISIONS = frozenset({Action.INVITED, Action.HELD, Action.APPROVED, Action.PUBLISHED, Action.DECLINED})


async def _record(
    uow: UnitOfWork, clock: Clock, application: Application, actor_id: int, action: Action, reviewers: Reviewers,
    note: str = "",
) -> None:
    """Save a decision or a step, write it in the history, and re-arm the "forgotten" reminder."""
    await _save(uow, clock, application)
    await _log(uow, clock, application, actor_id, action, note)
    await cancel_all(uow, f"{_prefix(application)}untouched:")
    if application.step not in AWAITING_ADMIN:
        return
    due = reminder_due(application, clock.now(), reviewers.remind_after_business_days)
    for admin_id in await admin_recipients(uow, reviewers):
        await schedule(
            uow, clock, kind=VettingNotice.UNTOUCHED, recipient_id=admin_id, at=due,
            key=f"{_prefix(application)}untouched:{application.version}:{admin_id}",
            application_id=application.id, version=application.version,
        )


async def _tell_admins(uow: UnitOfWork, clock: Clock, application: Application, kind: VettingNotice, reviewers: Reviewers) -> None:
    for admin_id in await admin_recipients(uow, reviewers):
        await notify(
            uow, clock, kind=kind, recipient_id=admin_id,
            key=f"{_prefix(application)}{kind.removeprefix('vetting.')}:{admin_id}", application_id=application.id,
        )


async def _referrer(uow: UnitOfWork, code: str, applicant_id: int) -> int | None:
    """Who shared the link: a therapist (their share code) or another applicant (their own code)."""
    therapist = await uow.therapists.by_share_code(code)
    if therapist is not None:
        referrer: int | None = therapist.telegram_id
    else:
        application = await uow.applications.by_referral_code(code)
        referrer = application.applicant_id if application else None
    return None if referrer == applicant_id else referrer


async def _new_code(uow: UnitOfWork) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if await uow.applications.by_referral_code(code) is None and await uow.therapists.by_share_code(code) is None:
            return code


async def _build_profile(uow: UnitOfWork, application: Application) -> None:
    """A new unpublished profile; one left from an earlier application is rewritten, keeping its hours."""
    first, second = application.first_answers, application.second_answers
    shown = {
        "full_name": first["name"],
        "about": second["about"],
        "education": second["education"],
        "name_en": second.get("name_en"),
        "about_en": second.get("about_en"),
        "education_en": second.get("education_en"),
        "experience_years": first["practice_years"],
        "price_minor": second["price"],
        "timezone": first["timezone"],
        "topics": list(second["topics"]),
        "approaches": list(second["approaches"]),
        "languages": list(first["languages"]),
        "photo_file_id": second["photo"]["file_id"],
    }
    existing = await uow.therapists.get(application.applicant_id)
    if existing is not None:
        for name, value in shown.items():
            setattr(existing, name, value)
        existing.verified = False
        await uow.therapists.save(existing)
        return
    # The applicant's own link keeps working once they are a therapist.
    share_code = application.referral_code
    if await uow.therapists.by_share_code(share_code) is not None:
        share_code = await _new_code(uow)
    await uow.therapists.add(
        TherapistProfile(telegram_id=application.applicant_id, share_code=share_code, verified=False, **shown)
    )
