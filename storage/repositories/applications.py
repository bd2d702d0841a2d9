from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.applications import FINISHED, Action, Application, ApplicationEvent, Interview, Step
from storage.tables.applications import ApplicationEventRow, ApplicationRow


class SqlApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, application_id: int) -> Application | None:
        row = await self._session.get(ApplicationRow, application_id, populate_existing=True)
        return _to_application(row) if row else None

    async def active_for(self, applicant_id: int) -> Application | None:
        return await self._one(
            select(ApplicationRow).where(
                ApplicationRow.applicant_id == applicant_id,
                ApplicationRow.step.notin_([step.value for step in FINISHED]),
            )
        )

    async def latest_for(self, applicant_id: int) -> Application | None:
        return await self._one(
            select(ApplicationRow)
            .where(ApplicationRow.applicant_id == applicant_id)
            .order_by(ApplicationRow.created_at.desc(), ApplicationRow.id.desc())
            .limit(1)
        )

    async def by_referral_code(self, code: str) -> Application | None:
        return await self._one(select(ApplicationRow).where(ApplicationRow.referral_code == code))

    async def in_steps(self, steps: tuple[Step, ...]) -> list[Application]:
        rows = await self._session.scalars(
            select(ApplicationRow)
            .where(ApplicationRow.step.in_([step.value for step in steps]))
            .order_by(ApplicationRow.updated_at, ApplicationRow.id)
        )
        return [_to_application(row) for row in rows]

    async def add(self, application: Application) -> None:
        row = ApplicationRow(**_fields(application))
        self._session.add(row)
        await self._session.flush()
        application.id = row.id

    async def save(self, application: Application) -> None:
        row = await self._session.get(ApplicationRow, application.id)
        if row is None:
            raise LookupError(f"no application {application.id}")
        for name, value in _fields(application).items():
            setattr(row, name, value)
        await self._session.flush()

    async def delete(self, application: Application) -> None:
        await self._session.execute(delete(ApplicationRow).where(ApplicationRow.id == application.id))

    async def log(self, event: ApplicationEvent) -> None:
        self._session.add(
            ApplicationEventRow(
                application_id=event.application_id,
                actor_id=event.actor_id,
                action=event.action.value,
                note=event.note,
                at=event.at,
            )
        )
        await self._session.flush()

    async def history(self, application_id: int) -> list[ApplicationEvent]:
        rows = await self._session.scalars(
            select(ApplicationEventRow)
            .where(ApplicationEventRow.application_id == application_id)
            .order_by(ApplicationEventRow.at, ApplicationEventRow.id)
        )
        return [ApplicationEvent(row.application_id, row.actor_id, Action(row.action), row.at, row.note) for row in rows]

    async def _one(self, statement: Select[ApplicationRow]) -> Application | None:
        row = await self._session.scalar(statement)
        return _to_application(row) if row else None


def _fields(application: Application) -> dict[str, object]:
    interview = application.interview
    return {
        "applicant_id": application.applicant_id,
        "step": application.step.value,
        "referral_code": application.referral_code,
        "referrer_id": application.referrer_id,
        # Fresh containers: the ORM notices a replaced JSON value, not one changed in place.
        "first_answers": dict(application.first_answers),
        "second_answers": dict(application.second_answers),
        "position": application.position,
        "editing": application.editing,
        "interview_times": [moment.isoformat() for moment in interview.times] if interview else [],
        "interview_link": interview.link if interview else None,
        "interviewer_id": interview.interviewer_id if interview else None,
        "invitation_no": interview.invitation_no if interview else 0,
        "interview_at": interview.at if interview else None,
        "decline_reason": application.decline_reason,
        "declined_at_step": application.declined_at_step.value if application.declined_at_step else None,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "approved_at": application.approved_at,
        "version": application.version,
    }


def _to_application(row: ApplicationRow) -> Application:
    interview = None
    if row.interviewer_id is not None:
        interview = Interview(
            times=[datetime.fromisoformat(moment) for moment in row.interview_times],
            link=row.interview_link or "",
            interviewer_id=row.interviewer_id,
            invitation_no=row.invitation_no,
            at=row.interview_at,
        )
    return Application(
        id=row.id,
        applicant_id=row.applicant_id,
        referral_code=row.referral_code,
        created_at=row.created_at,
        updated_at=row.updated_at,
        step=Step(row.step),
        first_answers=_copy(row.first_answers),
        second_answers=_copy(row.second_answers),
        position=row.position,
        editing=row.editing,
        referrer_id=row.referrer_id,
        interview=interview,
        decline_reason=row.decline_reason,
        declined_at_step=Step(row.declined_at_step) if row.declined_at_step else None,
        submitted_at=row.submitted_at,
        approved_at=row.approved_at,
        version=row.version,
    )


def _copy(answers: dict[str, object] | None) -> dict[str, object]:
    """A deep enough copy that changing the domain object never touches the row behind the ORM's back."""
    copied: dict[str, object] = {}
    for key, value in (answers or {}).items():
        if isinstance(value, list):
            copied[key] = [dict(item) if isinstance(item, dict) else item for item in value]
        elif isinstance(value, dict):
            copied[key] = dict(value)
        else:
            copied[key] = value
    return copied
