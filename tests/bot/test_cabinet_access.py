"""Who may use the cabinet and the review of profile changes: each command and button, each kind of person.

Written out, not derived from the code: the cabinet is for verified therapists
only, and deciding on profile changes is for full admins and community managers.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot.keyboards import cabinet as buttons
from core.schedule import Vacation
from core.staff import StaffRole
from core.users import Role
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, MAKSYM, add_person, add_therapist
from tests.bot.cabinet_support import answers, vacation_rows
from tests.bot.staff_support import REFUSED_TO_OUTSIDERS, REFUSED_TO_STAFF, give
from tests.conftest import ADMIN_ID

app, sleeper = booking_support.app, booking_support.sleeper

NOT_A_THERAPIST = "Кабінет — для терапевтів платформи. Якщо ви терапевт і хочете долучитися: /apply"
NOT_YET = "Ваш кабінет відкриється, щойно ваш профіль опублікують на платформі. Де все зараз: /status"
ACTOR = 3001

CABINET = [
    ("send", "/cabinet"),
    ("send", "/hours"),
    ("send", "/vacation"),
    ("send", "/profile"),
    ("send", "🗓 Години"),
    ("send", "🏖 Відпустка"),
    ("send", "👤 Профіль"),
    ("send", "📊 Цей місяць"),
    *[("press", buttons.Section(name=name).pack()) for name in ("overview", "hours", "vacation", "profile", "month", "brand")],
    ("press", buttons.HoursDay(weekday=0).pack()),
    ("press", buttons.HoursAdd(weekday=0).pack()),
    ("press", buttons.HoursChange(weekday=0, start=600, end=1080).pack()),
    ("press", buttons.HoursRemove(weekday=6, start=600, end=700).pack()),
    ("press", buttons.FormatView().pack()),
    ("press", buttons.FormatSet(length=50, gap=10).pack()),
    ("press", buttons.Preview().pack()),
    ("press", buttons.VacationAdd().pack()),
    ("press", buttons.VacationOpen(id=1).pack()),
    ("press", buttons.VacationDates(id=1).pack()),
    ("press", buttons.VacationNote(id=1).pack()),
    ("press", buttons.VacationRemove(id=1).pack()),
    ("press", buttons.VacationVisibility(hide=True).pack()),
    ("press", buttons.NoteSkip().pack()),
    ("press", buttons.InsideVacation(booking_id=1, version=1, keep=True).pack()),
    ("press", buttons.ProfileEdit(field="price").pack()),
    ("press", buttons.PickToggle(code="anxiety").pack()),
    ("press", buttons.PickDone().pack()),
    ("press", buttons.Accepting(on=True).pack()),
    ("press", buttons.MediaOptIn(on=False).pack()),
]
REVIEW = [
    ("send", "/profile_changes"),
    ("press", buttons.ChangeList().pack()),
    ("press", buttons.ChangeOpen(id=1).pack()),
    ("press", buttons.ChangeApprove(id=1).pack()),
    ("press", buttons.ChangeReject(id=1).pack()),
    ("press", buttons.ChangeReject(id=1, plain=True).pack()),
]


async def act(actor, how: str, what: str) -> list[str]:
    return answers(await (actor.send(what) if how == "send" else actor.press(what)))


REFUSALS = {"client": NOT_A_THERAPIST, "applicant": NOT_YET, "unpublished therapist": NOT_YET, "full admin": NOT_A_THERAPIST}


@pytest.mark.parametrize("who", REFUSALS)
async def test_only_a_verified_therapist_has_a_cabinet(who, app, make_client):
    refusal = REFUSALS[who]
    if who == "full admin":
        actor = make_client(ADMIN_ID, "Admin")
    elif who == "unpublished therapist":
        await add_therapist(app, ACTOR, "Taras Bondar", verified=False)
        actor = make_client(ACTOR, "Taras")
    else:
        await add_person(app, ACTOR, "Taras", locale="uk", zone="Europe/Kyiv", roles={Role.APPLICANT} if who == "applicant" else None)
        actor = make_client(ACTOR, "Taras")

    for how, what in CABINET:
        assert refusal in await act(actor, how, what), what


async def test_a_verified_therapist_is_let_in_everywhere(app, make_client):
    await add_therapist(app, IRYNA)
    iryna = make_client(IRYNA, "Iryna")
    for how, what in CABINET:
        got = await act(iryna, how, what)
        assert NOT_A_THERAPIST not in got and NOT_YET not in got, what


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("client", False), ("therapist", False), (StaffRole.SUPPORT, False), (StaffRole.FINANCE, False),
     (StaffRole.ETHICS, False), (StaffRole.COMMUNITY_MANAGER, True), ("full admin", True)],
    ids=str,
)
async def test_profile_changes_are_decided_by_full_admins_and_community_managers(who, allowed, app, make_client):
    if who == "full admin":
        actor = make_client(ADMIN_ID, "Admin")
    elif who == "therapist":
        await add_therapist(app, ACTOR, "Taras Bondar")
        actor = make_client(ACTOR, "Taras")
    else:
        await add_person(app, ACTOR, "Taras", locale="uk", zone="Europe/Kyiv")
        actor = make_client(ACTOR, "Taras")
        if isinstance(who, StaffRole):
            await give(app, ACTOR, who)
    refusal = REFUSED_TO_STAFF if isinstance(who, StaffRole) else REFUSED_TO_OUTSIDERS
    for how, what in REVIEW:
        got = await act(actor, how, what)
        assert (refusal not in got) if allowed else (refusal in got), what


async def test_a_therapist_reaches_only_her_own_vacations(app, make_client):
    await add_therapist(app, MAKSYM, "Maksym Bondar", vacations=[Vacation(date(2026, 12, 10), date(2026, 12, 12))])
    await add_therapist(app, IRYNA)
    iryna = make_client(IRYNA, "Iryna")
    [(theirs, *_dates)] = await vacation_rows(app, MAKSYM)

    for button in (
        buttons.VacationOpen(id=theirs), buttons.VacationDates(id=theirs), buttons.VacationNote(id=theirs),
        buttons.VacationRemove(id=theirs, confirmed=True),
    ):
        assert await act(iryna, "press", button.pack()) == ["Цієї відпустки вже немає. Ваші відпустки — /vacation."]
    assert [row[1:3] for row in await vacation_rows(app, MAKSYM)] == [("2026-12-10", "2026-12-12")]
