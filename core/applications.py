"""A person's application to join the platform as a therapist, step by step.

The steps follow the platform's vetting: a first questionnaire, an online
interview, a second questionnaire with documents, approval (the profile is
created), publication (the therapist gets a cabinet). An admin may decline
at any step after the first questionnaire was sent, always with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class Step(StrEnum):
    FIRST_DRAFT = "first_draft"  # the applicant is filling the first questionnaire
    SUBMITTED = "submitted"  # waits for an admin's review
    INTERVIEW_INVITED = "interview_invited"  # waits for the applicant to confirm a time
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEW_HELD = "interview_held"  # the second questionnaire was sent, not yet started
    SECOND_DRAFT = "second_draft"
    SECOND_SUBMITTED = "second_submitted"  # waits for an admin's approval
    APPROVED = "approved"  # the profile exists, waits to be published
    PUBLISHED = "published"
    DECLINED = "declined"


class Form(StrEnum):
    FIRST = "first"
    SECOND = "second"


# Where the ball is: these steps wait for an admin, the others for the applicant.
AWAITING_ADMIN = frozenset({Step.SUBMITTED, Step.INTERVIEW_SCHEDULED, Step.SECOND_SUBMITTED, Step.APPROVED})
FINISHED = frozenset({Step.PUBLISHED, Step.DECLINED})
DRAFT_STEPS = {Form.FIRST: frozenset({Step.FIRST_DRAFT}), Form.SECOND: frozenset({Step.INTERVIEW_HELD, Step.SECOND_DRAFT})}
# The queue admins see: everything sent and not finished.
IN_REVIEW = (
    Step.SUBMITTED,
    Step.INTERVIEW_INVITED,
    Step.INTERVIEW_SCHEDULED,
    Step.INTERVIEW_HELD,
    Step.SECOND_DRAFT,
    Step.SECOND_SUBMITTED,
    Step.APPROVED,
)
SUMMARY = "summary"  # the position of a draft whose questions are all answered


class Action(StrEnum):
    """What happened to an application, as written in its history."""

    STARTED = "started"
    SUBMITTED = "submitted"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    OTHER_TIME_ASKED = "other_time_asked"
    HELD = "held"
    SECOND_SUBMITTED = "second_submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    DECLINED = "declined"


@dataclass
class Interview:
    """An invitation: one time to confirm, or two or three to pick from."""

    times: list[datetime]
    link: str
    interviewer_id: int
    invitation_no: int  # grows with each invitation, so buttons of an older one are refused
    at: datetime | None = None  # the agreed time, once the applicant confirmed


@dataclass
class Application:
    applicant_id: int
    referral_code: str  # the applicant's own link; becomes the therapist's share code
    created_at: datetime
    updated_at: datetime
    step: Step = Step.FIRST_DRAFT
    first_answers: dict[str, Any] = field(default_factory=dict)
    second_answers: dict[str, Any] = field(default_factory=dict)
    position: str = ""  # the question a draft stopped at, or SUMMARY
    editing: bool = False  # answering a question again from the summary
    referrer_id: int | None = None
    interview: Interview | None = None
    decline_reason: str | None = None
    declined_at_step: Step | None = None
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    version: int = 0  # grows on every change; a timed reminder about an older one is dropped
    id: int | None = None

    def answers(self, form: Form) -> dict[str, Any]:
        return self.first_answers if form is Form.FIRST else self.second_answers

    @property
    def display_name(self) -> str:
        return str(self.first_answers.get("name") or f"#{self.id}")


@dataclass(frozen=True)
class ApplicationEvent:
    application_id: int
    actor_id: int
    action: Action
    at: datetime
    note: str = ""


class ApplicationError(Exception):
    pass


class ApplicationNotFound(ApplicationError):
    pass


class NotYours(ApplicationError):
    """Someone acted on an application that is not theirs to act on."""


class WrongStep(ApplicationError):
    """The application has moved on since the button was shown."""

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.step = step


class ApplicationRepository(Protocol):
    async def get(self, application_id: int) -> Application | None: ...

    async def active_for(self, applicant_id: int) -> Application | None:
        """The application in progress: not published, not declined."""

    async def latest_for(self, applicant_id: int) -> Application | None: ...

    async def by_referral_code(self, code: str) -> Application | None: ...

    async def in_steps(self, steps: tuple[Step, ...]) -> list[Application]:
        """Oldest change first."""

    async def add(self, application: Application) -> None:
        """Store it and set its id."""

    async def save(self, application: Application) -> None: ...

    async def delete(self, application: Application) -> None: ...

    async def log(self, event: ApplicationEvent) -> None: ...

    async def history(self, application_id: int) -> list[ApplicationEvent]: ...
