"""An update is one transaction: the person, the conversation state, the use case's changes and the inbox mark
commit once. On SQLite a step that only reads takes no write lock, and a first write that SQLite refuses (someone
wrote since the step read) has the update handled again at once, not counted as a failed try. A profile is read
once a transaction, and read again after a write to it."""
from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import event, insert, select

import bot.middlewares.unit_of_work as unit_of_work_middleware
from core.users import Role, User
from storage.db import is_sqlite
from storage.repositories.users import SqlUserRepository
from storage.tables import InboxUpdateRow, UserRow
from storage.uow import NestedUnitOfWork
from tests.bot.booking_support import IRYNA, add_therapist
from tests.bot.test_inbox import a_message, handled, inbox_rows

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.fixture
def sqlite_only(settings):
    if not is_sqlite(settings.database_url):
        pytest.skip("SQLite's write lock")


def answers_to(session, chat_id: int) -> list[str]:
    return [call.text for call in session.calls if isinstance(call, SendMessage) and call.chat_id == chat_id]


async def someone_else_writes(app, telegram_id: int) -> None:
    """Another update's or the scheduler's write, meanwhile: a task of its own, outside this update's unit of work."""

    async def write() -> None:
        async with app.unit_of_work() as uow:
            await uow.users.add(User(telegram_id, "Other", "uk", "Europe/Kyiv", NOW, roles={Role.CLIENT}))
            await uow.commit()

    await asyncio.create_task(write(), context=contextvars.Context())


async def test_a_newcomers_first_update_commits_once_with_its_mark(app, session):
    commits: list[object] = []
    await app.inbox.keep([a_message(701, "/faq")])  # stored first, in a transaction of its own
    event.listen(app.engine.sync_engine, "commit", commits.append)
    assert await app.inbox.idle(timeout=10)

    assert len(commits) == 1  # the newcomer, their roles, the answer's update and its mark: one commit
    assert answers_to(session, 1001)[0].startswith("Як це працює")
    async with app.sessions() as db:
        assert await db.get(UserRow, 1001) is not None
        assert (await db.get(InboxUpdateRow, 701)).handled_at is not None


async def test_a_step_that_only_reads_is_answered_while_another_transaction_holds_the_write_lock(
    app, session, make_client, sqlite_only
):
    olena = make_client(1001, "Olena")
    await olena.send("/faq")  # now known: the next /faq changes nothing

    async with app.sessions() as writer:
        await writer.execute(insert(UserRow).values(
            telegram_id=4242, first_name="Writer", locale="uk", timezone="Europe/Kyiv", timezone_chosen=False,
            reachable=True, created_at=NOW,
        ))  # BEGIN IMMEDIATE: the write lock, held until the rollback below
        answered = await olena.send("/faq")
        await writer.rollback()

    assert answered[0].text.startswith("Як це працює")


async def test_a_first_write_refused_is_handled_again_at_once_and_not_counted(app, session, monkeypatch, sqlite_only):
    read = SqlUserRepository.get
    tries: list[int] = []

    async def read_then_someone_writes(self, telegram_id):
        found = await read(self, telegram_id)
        tries.append(telegram_id)
        if len(tries) == 1:  # after the update read, before its first write
            await someone_else_writes(app, 4343)
        return found

    monkeypatch.setattr(SqlUserRepository, "get", read_then_someone_writes)
    await handled(app, a_message(801, "/faq"))

    assert tries == [1001, 1001]  # refused at its first write (the newcomer), then handled again
    assert len(answers_to(session, 1001)) == 1
    row = (await inbox_rows(app))[801]
    assert (row.handled_at is not None, row.attempts, row.last_error) == (True, 0, None)


async def test_a_step_that_only_read_gets_its_mark_alone_when_the_mark_is_refused(
    app, session, make_client, monkeypatch, sqlite_only
):
    await make_client(1001, "Olena").send("/faq")  # known: the next /faq only reads
    mark = unit_of_work_middleware.mark_handled
    marks: list[int] = []

    async def someone_writes_then_mark(db, update_id, now):
        marks.append(update_id)
        if len(marks) == 1:  # the step has answered; the mark would be its first write
            await someone_else_writes(app, 4444)
        await mark(db, update_id, now)

    monkeypatch.setattr(unit_of_work_middleware, "mark_handled", someone_writes_then_mark)
    before = len(answers_to(session, 1001))
    await handled(app, a_message(901, "/faq"))

    assert marks == [901, 901]  # refused in the step's transaction, then written alone
    assert len(answers_to(session, 1001)) == before + 1  # answered once, not handled again
    row = (await inbox_rows(app))[901]
    assert (row.handled_at is not None, row.attempts) == (True, 0)
    async with app.sessions() as db:
        assert await db.scalar(select(UserRow.first_name).where(UserRow.telegram_id == 4444)) == "Other"


async def test_a_profile_read_twice_in_a_transaction_shows_what_was_written_between(app):
    await add_therapist(app)
    async with app.unit_of_work() as uow:
        first = await uow.therapists.get(IRYNA)
        first.price_minor = 1  # a caller's own copy: changing it changes nobody else's
        assert (await uow.therapists.get(IRYNA)).price_minor != 1
        await uow.roster.set_accepting(IRYNA, False)  # one column, not through the profile's save
        assert (await uow.therapists.get(IRYNA)).accepting_clients is False
        profile = await uow.therapists.get(IRYNA)
        profile.hours = profile.hours[:1]
        await uow.therapists.save(profile)
        assert len((await uow.therapists.get(IRYNA)).hours) == 1


async def test_a_unit_of_work_opened_inside_an_update_fails_at_once_and_says_why(app, session, make_client, monkeypatch):
    olena = make_client(1001, "Olena")
    await olena.send("/faq")
    read = SqlUserRepository.get
    refused: list[Exception] = []

    async def read_then_write_apart(self, telegram_id):
        try:
            async with app.unit_of_work() as uow:  # a second one, inside the update's
                await uow.users.add(User(4545, "Apart", "uk", "Europe/Kyiv", NOW, roles={Role.CLIENT}))
                await uow.commit()
        except NestedUnitOfWork as error:
            refused.append(error)
        return await read(self, telegram_id)

    monkeypatch.setattr(SqlUserRepository, "get", read_then_write_apart)
    answered = await olena.send("/faq")

    assert [str(error) for error in refused] == [
        "a unit of work was opened inside an update's: use the update's own (the handler's `uow`). A second one "
        "would commit apart from the update, and on SQLite wait for the update's own write lock until the busy timeout"
    ]
    assert answered[0].text.startswith("Як це працює")  # the update itself goes on
    async with app.sessions() as db:
        assert await db.get(UserRow, 4545) is None
