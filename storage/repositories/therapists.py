"""Therapist profiles, and the directory's query over them.

The directory filters, orders, counts and pages in SQL: a page reads the
partial index of listed therapists in name order, topics, approaches and
languages are matched through `therapist_tags`, and a vacation hides its
therapist while `now` lies between its UTC bounds (kept with it, from the
therapist's zone). Only the page's profiles are built, with their hours and
vacations in one query.

A profile read once in a transaction is not read again in it (steps such as booking ask for it in several
places): the unit of work's session keeps a copy until the transaction ends or anything writes to a
therapist's tables.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Row,
    Select,
    String,
    TextClause,
    Time,
    bindparam,
    case,
    cast,
    delete,
    event,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from core.rules.matching import Answers
from core.schedule import SessionFormat, Vacation, WorkingHours
from core.therapists import TherapistProfile
from core.usecases.directory import Filters
from storage.db import UnitSession
from storage.tables.therapists import LISTED, TherapistRow, TherapistTagRow, VacationRow, WorkingHoursRow

T = TherapistRow
_PROFILE_TABLES = {TherapistRow.__table__, TherapistTagRow.__table__, VacationRow.__table__, WorkingHoursRow.__table__}
_READ = "therapist_profiles_read"  # on the session's info: telegram id -> the profile as read in this transaction


class SqlTherapistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_id: int, *, for_update: bool = False) -> TherapistProfile | None:
        """`for_update` locks the profile until commit, so two changes to it queue up instead of overwriting.

        Read once a transaction, in one statement: the row joined with its hours and vacations (every booking step
        reads the profile).
        """
        read: dict[int, TherapistProfile] = self._session.info.setdefault(_READ, {})
        if not for_update and telegram_id in read:
            return copy.deepcopy(read[telegram_id])  # each caller its own, as a fresh read would give
        if for_update:
            locked = select(TherapistRow).where(TherapistRow.telegram_id == telegram_id).with_for_update()
            row = await self._session.scalar(locked.execution_options(populate_existing=True))
            if row is None:
                return None
            profile = (await self._to_profiles([row]))[0]
        else:
            found = (await self._session.execute(_PROFILE, {"therapist_id": telegram_id, "ids": [telegram_id]})).all()
            if not found:
                return None
            profile = _with_schedules([found[0][0]], [row for row in found if row.kind is not None])[0]
        read[telegram_id] = copy.deepcopy(profile)
        return profile

    async def by_share_code(self, code: str) -> TherapistProfile | None:
        row = await self._session.scalar(select(TherapistRow).where(TherapistRow.share_code == code))
        return (await self._to_profiles([row]))[0] if row else None

    # -- the directory ------------------------------------------------------
    async def count_listed(self, filters: Filters, now: datetime) -> int:
        counted = select(func.count()).select_from(T).where(*_listed(filters, now, paging=False))
        return await self._session.scalar(counted) or 0

    async def listed_share_codes(self, now: datetime) -> list[str]:
        codes = select(T.share_code).where(*_listed(Filters(), now, paging=False)).order_by(T.full_name, T.telegram_id)
        return list(await self._session.scalars(codes))

    async def listed(self, filters: Filters, now: datetime, *, offset: int, limit: int) -> list[TherapistProfile]:
        rows = await self._session.scalars(
            select(T)
            .where(*_listed(filters, now, paging=True))
            .order_by(T.full_name, T.telegram_id)
            .offset(offset)
            .limit(limit)
        )
        return await self._to_profiles(list(rows))

    # -- "Help me choose" ---------------------------------------------------
    async def count_matching(self, answers: Answers, now: datetime) -> int:
        counted = select(func.count()).select_from(T).where(*_matchable(answers, now))
        return await self._session.scalar(counted) or 0

    async def matching(
        self, answers: Answers, now: datetime, *, seed: int, offset: int, limit: int
    ) -> list[tuple[TherapistProfile, int]]:
        conditions = _matchable(answers, now)
        rows: Sequence[Row[TherapistRow, int]] = []
        if len(answers.topics) > 1:
            # Those who work with every chosen topic come first, in the same order among themselves: when the page
            # lies among them, only they are sorted, not everyone who works with any of the topics (a third less
            # at 10,000 therapists on SQLite; tests/bench_matching.py). A page not filled there is read again whole.
            every = [T.telegram_id.in_(_tagged("topic", topic)) for topic in answers.topics]
            rows = await self._matching_page([*conditions, *every], literal(len(answers.topics)), seed, offset, limit)
        if len(rows) < limit:
            rows = await self._matching_page(conditions, _topics_shared(answers), seed, offset, limit)
        profiles = await self._to_profiles([row for row, _ in rows])
        return [(profile, shared) for profile, (_, shared) in zip(profiles, rows, strict=True)]

    async def _matching_page(
        self, conditions: list[ColumnElement[bool] | TextClause], topics: ColumnElement[int], seed: int, offset: int, limit: int
    ) -> Sequence[Row[TherapistRow, int]]:
        return (
            await self._session.execute(
                select(T, topics.label("topics"))
                .where(*conditions)
                .order_by(topics.desc(), _shuffled(seed), T.telegram_id)
                .offset(offset)
                .limit(limit)
            )
        ).all()

    async def add(self, profile: TherapistProfile) -> None:
        self._session.add(TherapistRow(telegram_id=profile.telegram_id, **_fields(profile)))
        await self._session.flush()
        await self._replace_schedule(profile)

    async def save(self, profile: TherapistProfile) -> None:
        row = await self._session.get(TherapistRow, profile.telegram_id)
        if row is None:
            raise LookupError(f"no therapist {profile.telegram_id}")
        for name, value in _fields(profile).items():
            setattr(row, name, value)
        await self._session.flush()
        await self._replace_schedule(profile)

    async def _replace_schedule(self, profile: TherapistProfile) -> None:
        await self._session.execute(delete(WorkingHoursRow).where(WorkingHoursRow.therapist_id == profile.telegram_id))
        self._session.add_all(
            WorkingHoursRow(therapist_id=profile.telegram_id, weekday=h.weekday, start=h.start, end=h.end)
            for h in profile.hours
        )
        await self._session.execute(delete(TherapistTagRow).where(TherapistTagRow.therapist_id == profile.telegram_id))
        self._session.add_all(
            TherapistTagRow(therapist_id=profile.telegram_id, kind=kind, code=code) for kind, code in tags_of(profile)
        )
        await self._sync_vacations(profile)
        await self._session.flush()

    async def _sync_vacations(self, profile: TherapistProfile) -> None:
        """Vacations keep their ids: a changed one is updated in place, a new one (id 0) is given its id."""
        rows = {
            row.id: row
            for row in await self._session.scalars(
                select(VacationRow).where(VacationRow.therapist_id == profile.telegram_id)
            )
        }
        kept = {vacation.id for vacation in profile.vacations if vacation.id}
        for vacation_id, gone in rows.items():
            if vacation_id not in kept:
                await self._session.delete(gone)
        for index, vacation in enumerate(profile.vacations):
            row = rows.get(vacation.id)
            if row is None:
                row = VacationRow(therapist_id=profile.telegram_id)
                self._session.add(row)
            row.first_day, row.last_day, row.note = vacation.first_day, vacation.last_day, vacation.note
            # Again on every save: a therapist who moves to another zone moves their vacations with them.
            row.hidden_from, row.hidden_until = day_bounds(vacation.first_day, vacation.last_day, profile.timezone)
            await self._session.flush()
            profile.vacations[index] = replace(vacation, id=row.id)

    async def _to_profiles(self, rows: Sequence[TherapistRow]) -> list[TherapistProfile]:
        """Profiles with their hours and vacations: one query for both, however many profiles."""
        found = (await self._session.execute(_schedules([row.telegram_id for row in rows]))).all()
        return _with_schedules(rows, found)


def _schedules(ids: list[int] | BindParameter[Any]) -> CompoundSelect[*tuple[Any, ...]]:
    """The hours (kind 0) and vacations (kind 1) of these therapists, in one result."""
    h, v = WorkingHoursRow, VacationRow
    return union_all(
        select(
            h.therapist_id, literal(0).label("kind"), h.id, h.weekday, h.start, h.end,
            cast(null(), Date).label("first_day"), cast(null(), Date).label("last_day"),
            cast(null(), String).label("note"),
        ).where(h.therapist_id.in_(ids)),
        select(
            v.therapist_id, literal(1), v.id, cast(null(), Integer), cast(null(), Time), cast(null(), Time),
            v.first_day, v.last_day, v.note,
        ).where(v.therapist_id.in_(ids)),
    )


def _profile() -> Select[Any]:
    """One therapist's row joined with their hours and vacations (`therapist_id`, and `ids`: a list of that one)."""
    schedules = _schedules(bindparam("ids", expanding=True)).subquery()
    return (
        select(TherapistRow, *schedules.c)
        .outerjoin(schedules, schedules.c.therapist_id == TherapistRow.telegram_id)
        .where(TherapistRow.telegram_id == bindparam("therapist_id"))
    )


# Built once: most updates of a booking read a profile, and building this statement cost more than running it.
_PROFILE = _profile()


def _with_schedules(rows: Sequence[TherapistRow], found: Sequence[Any]) -> list[TherapistProfile]:
    hours: dict[int, list[WorkingHours]] = {row.telegram_id: [] for row in rows}
    vacations: dict[int, list[Vacation]] = {row.telegram_id: [] for row in rows}
    for r in sorted((r for r in found if r.kind == 0), key=lambda r: (r.weekday, r.start, r.id)):
        hours[r.therapist_id].append(WorkingHours(r.weekday, r.start, r.end))
    for r in sorted((r for r in found if r.kind == 1), key=lambda r: (r.first_day, r.id)):
        vacations[r.therapist_id].append(Vacation(r.first_day, r.last_day, r.note, r.id))
    return [_to_profile(row, hours[row.telegram_id], vacations[row.telegram_id]) for row in rows]


@event.listens_for(UnitSession, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _touches_profiles(state.statement):
        state.session.info.pop(_READ, None)


@event.listens_for(UnitSession, "after_flush")
def _forget_on_flush(session: Session, _flush: UOWTransaction) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(type(obj), "__table__", None) in _PROFILE_TABLES for obj in changed):
        session.info.pop(_READ, None)


@event.listens_for(UnitSession, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint inside it
        session.info.pop(_READ, None)


def _touches_profiles(statement: object) -> bool:
    table = getattr(statement, "table", None)
    return table is None or table in _PROFILE_TABLES


def _to_profile(row: TherapistRow, hours: list[WorkingHours], vacations: list[Vacation]) -> TherapistProfile:
    return TherapistProfile(
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        about=row.about,
        education=row.education,
        name_en=row.name_en,
        about_en=row.about_en,
        education_en=row.education_en,
        experience_years=row.experience_years,
        price_minor=row.price_minor,
        timezone=row.timezone,
        topics=list(row.topics),
        approaches=list(row.approaches),
        languages=list(row.languages),
        photo_file_id=row.photo_file_id,
        share_code=row.share_code,
        verified=row.verified,
        accepting_clients=row.accepting_clients,
        hidden=row.hidden,
        session=SessionFormat(timedelta(minutes=row.session_minutes), timedelta(minutes=row.gap_minutes)),
        min_notice=timedelta(minutes=row.min_notice_minutes),
        hours=hours,
        vacations=vacations,
        hide_during_vacation=row.hide_during_vacation,
        media_opt_in=row.media_opt_in,
        published_at=row.published_at,
        meeting_url=row.meeting_url,
    )


def _listed(filters: Filters, now: datetime, *, paging: bool) -> list[ColumnElement[bool] | TextClause]:
    """core.usecases.directory.is_listed and the filters, as conditions on `therapists`.

    A page reads the listed in name order and stops after its last one: each is
    checked for its tags (EXISTS). A count reads everyone who matches: it starts
    from the tags' index (IN), which SQLite would otherwise probe row by row.
    """
    away = select(VacationRow.therapist_id).where(VacationRow.hidden_from <= now, VacationRow.hidden_until > now)
    conditions: list[ColumnElement[bool] | TextClause] = [
        LISTED,
        or_(not_(T.hide_during_vacation), T.telegram_id.not_in(away)),
    ]
    for kind, code in (("topic", filters.topic), ("approach", filters.approach), ("language", filters.language)):
        if code:
            tagged = select(TherapistTagRow.therapist_id).where(TherapistTagRow.kind == kind, TherapistTagRow.code == code)
            conditions.append(
                exists(tagged.where(TherapistTagRow.therapist_id == T.telegram_id)) if paging else T.telegram_id.in_(tagged)
            )
    if filters.leaving_out is not None:
        conditions.append(T.telegram_id != filters.leaving_out)
    low, high = filters.price_range
    if low is not None:
        conditions.append(T.price_minor >= low)
    if high is not None:
        conditions.append(T.price_minor < high)
    return conditions


def _matchable(answers: Answers, now: datetime) -> list[ColumnElement[bool] | TextClause]:
    """core.usecases.matching.can_be_matched and the answers about the profile, as conditions on `therapists`.

    Away today is away, whether the vacation hides the profile from the directory or not.
    """
    away = select(VacationRow.therapist_id).where(VacationRow.hidden_from <= now, VacationRow.hidden_until > now)
    conditions: list[ColumnElement[bool] | TextClause] = [LISTED, T.telegram_id.not_in(away)]
    for kind, codes in (("topic", answers.topics), ("language", _one(answers.language)), ("approach", _one(answers.approach))):
        if codes:
            tagged = select(TherapistTagRow.therapist_id).where(TherapistTagRow.kind == kind, TherapistTagRow.code.in_(codes))
            conditions.append(T.telegram_id.in_(tagged))
    low, high = answers.price_range
    if low is not None:
        conditions.append(T.price_minor >= low)
    if high is not None:
        conditions.append(T.price_minor < high)
    return conditions


def _topics_shared(answers: Answers) -> ColumnElement[int]:
    """How many of the chosen topics a therapist works with (0 when none were chosen).

    A sum of one membership test per topic, not a count per therapist: each topic's set of therapists is read
    once per query (SQLite's ephemeral index, PostgreSQL's hashed subplan), where a correlated count ran a
    lookup per row; at 10,000 therapists it halved the query (tests/bench_matching.py).
    """
    shared: ColumnElement[int] = literal(0)
    for topic in answers.topics:
        shared = shared + case((T.telegram_id.in_(_tagged("topic", topic)), 1), else_=0)
    return shared


def _tagged(kind: str, code: str) -> Select[int]:
    return select(TherapistTagRow.therapist_id).where(TherapistTagRow.kind == kind, TherapistTagRow.code == code)


# A prime near 2**16: ids are spread by their remainder, multiplied by a number the seed picks. Small enough
# that the product stays far inside a BIGINT on every database.
_SHUFFLE_PRIME = 65_521


def _shuffled(seed: int) -> ColumnElement[int]:
    """An order of therapists of the seed's own (a client's), the same every time for the same seed."""
    factor = 1 + seed % (_SHUFFLE_PRIME - 1)
    return (T.telegram_id % _SHUFFLE_PRIME) * factor % _SHUFFLE_PRIME


def _one(code: str | None) -> tuple[str, ...]:
    return (code,) if code is not None else ()


def tags_of(profile: TherapistProfile) -> set[tuple[str, str]]:
    return (
        {("topic", code) for code in profile.topics}
        | {("approach", code) for code in profile.approaches}
        | {("language", code) for code in profile.languages}
    )


def day_bounds(first_day: date, last_day: date, zone_name: str) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last day, on the zone's clock, as aware instants."""
    zone = ZoneInfo(zone_name)
    return (
        datetime.combine(first_day, time(0), tzinfo=zone),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone),
    )


def _fields(profile: TherapistProfile) -> dict[str, object]:
    return {
        "full_name": profile.full_name,
        "about": profile.about,
        "education": profile.education,
        "name_en": profile.name_en,
        "about_en": profile.about_en,
        "education_en": profile.education_en,
        "experience_years": profile.experience_years,
        "price_minor": profile.price_minor,
        "timezone": profile.timezone,
        "topics": list(profile.topics),
        "approaches": list(profile.approaches),
        "languages": list(profile.languages),
        "photo_file_id": profile.photo_file_id,
        "share_code": profile.share_code,
        "verified": profile.verified,
        "accepting_clients": profile.accepting_clients,
        "hidden": profile.hidden,
        "session_minutes": int(profile.session.length.total_seconds() // 60),
        "gap_minutes": int(profile.session.gap.total_seconds() // 60),
        "min_notice_minutes": int(profile.min_notice.total_seconds() // 60),
        "hide_during_vacation": profile.hide_during_vacation,
        "media_opt_in": profile.media_opt_in,
        "published_at": profile.published_at,
        "meeting_url": profile.meeting_url,
    }
