"""An admin invites an applicant to the interview: one time or two or three to pick from, then the link.

Times are typed in the admin's own zone; the applicant sees them in theirs.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from bot import conversation
from bot.access import StaffRouter
from bot.conversation import Draft, Reply, Stay, end, settle
from bot.keyboards.vetting import (
    InvitationStep,
    StepAction,
    invitation_cancel,
    invitation_confirm,
    invitation_times_done,
)
from bot.middlewares.callback_answer import alert, out_of_date, out_of_date_button
from bot.reviewers import reviewers
from bot.settings import Settings
from bot.views.applications import moved_on
from bot.views.presenting import local_moment, moment_label, zone_label
from core.applications import ApplicationNotFound, Step, WrongStep
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.dates import UnreadableDate, example_day, parse_date_time
from core.staff import Permission
from core.usecases import vetting
from core.users import User

INVITABLE = (Step.SUBMITTED, Step.INTERVIEW_INVITED, Step.INTERVIEW_SCHEDULED)
# An interview further ahead than this is a typing slip (2062 for 2026), not a plan.
FARTHEST_INTERVIEW = timedelta(days=365)


class InvitationFlow(StatesGroup):
    times = State()
    link = State()
    confirming = State()


class InvitationDraft(Draft):
    application: int
    times: list[datetime] = Field(default_factory=list)  # UTC, in order
    link: str = ""


def router() -> Router:
    router = StaffRouter(name="interview-invitation", permission=Permission.REVIEW_APPLICATIONS)
    router.callback_query.register(cancel, InvitationStep.filter(F.action == StepAction.CANCEL))
    router.callback_query.register(times_done, InvitationStep.filter(F.action == StepAction.DONE), InvitationFlow.times)
    router.callback_query.register(send, InvitationStep.filter(F.action == StepAction.SEND), InvitationFlow.confirming)
    router.callback_query.register(out_of_date_button, InvitationStep.filter())
    for step in (TIMES, LINK, CONFIRMING):
        step.register(router)
    return router


async def begin(message: Message, uow: UnitOfWork, state: FSMContext, admin: User, number: int, now: datetime) -> None:
    file = await vetting.application_for_review(uow, number)
    if file.application.step not in INVITABLE:
        raise WrongStep(file.application.step)
    text = _(
        "Inviting {name} (#{number}) to an interview.\n\n"
        "Send the time in your time zone ({zone}) as DD.MM HH:MM, for example: {example}. "
        "To let the applicant choose, send two or three times, one message each."
    ).format(
        name=file.application.display_name, number=number, zone=zone_label(admin.timezone, now),
        example=_example(admin.timezone, now),
    )
    await TIMES.ask(Reply(message), state, InvitationDraft(application=number), text, invitation_cancel())


async def _on_time(message: Message, text: str, draft: InvitationDraft, state: FSMContext, user: User, clock: Clock) -> None:
    times = draft.times
    try:
        moment = parse_date_time(text, user.timezone, clock.now())
    except UnreadableDate:
        raise Stay(
            _("I couldn't read that time. Send it as DD.MM HH:MM, for example: {example}.").format(
                example=_example(user.timezone, clock.now())
            ),
            invitation_times_done() if times else invitation_cancel(),
        ) from None
    if moment <= clock.now():
        raise Stay(_("That time has already passed. Please send a time in the future."), None)
    if moment > clock.now() + FARTHEST_INTERVIEW:
        raise Stay(_("That is more than a year ahead. Please send a time within the next year."), None)
    if moment not in times:
        if len(times) >= vetting.MAX_PROPOSED_TIMES:
            raise Stay(_("That's three times already, the most to offer. Press “That's all”."), invitation_times_done())
        draft.times = times = sorted([*times, moment])
    await settle(state, InvitationFlow.times, draft)
    listed = "\n".join(f"• {moment_label(t, user.timezone)}" for t in times)
    await message.answer(
        _("Times so far:\n{times}\n\nSend another (up to three), or press “That's all”.").format(times=listed),
        reply_markup=invitation_times_done(),
    )


async def _on_link(message: Message, text: str, draft: InvitationDraft, state: FSMContext, uow: UnitOfWork, user: User) -> None:
    link = text.strip()
    if len(link) > vetting.MAX_LINK_LENGTH or not vetting.MEETING_LINK.match(link):
        raise Stay(_("That doesn't look like a meeting link. Send the whole address, starting with https://"))
    draft.link = link
    await settle(state, InvitationFlow.confirming, draft)
    file = await vetting.application_for_review(uow, draft.application)
    applicant_zone = file.applicant.timezone if file.applicant else user.timezone
    times = draft.times
    listed = "\n".join(
        _("• {mine} for you, {theirs} for them").format(
            mine=local_moment(t, user.timezone), theirs=local_moment(t, applicant_zone)
        )
        for t in times
    )
    what = _("They will confirm this time:") if len(times) == 1 else _("They will pick one of these times:")
    await message.answer(
        _("Invitation for {name}.\n{what}\n{times}\nLink: {link}\n\nSend it?").format(
            name=file.application.display_name, what=what, times=listed, link=link
        ),
        reply_markup=invitation_confirm(),
    )


async def cancel(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await end(state)
    await message.edit_text(_("Cancelled: no invitation was sent."))


async def times_done(query: CallbackQuery, message: Message, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    draft = await InvitationDraft.load(state)
    if draft is None or not draft.times:
        alert(callback_answer, _("Send at least one time first."))
        return
    await settle(state, InvitationFlow.link, draft)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(_("Now the meeting link (Zoom, Google Meet or another):"), reply_markup=invitation_cancel())


async def send(query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer) -> None:
    draft = await InvitationDraft.load(state)
    if draft is None:
        await end(state)
        out_of_date(callback_answer)
        return
    await _send(message, draft, state, uow, clock, user, settings, callback_answer=callback_answer)


async def _send(
    message: Message,
    draft: InvitationDraft,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        application = await vetting.invite_to_interview(
            uow, clock, user, draft.application, draft.times, draft.link, reviewers(settings)
        )
    except vetting.InvalidDecision as error:
        if error.reason == "time_passed":
            draft.times = []
            await settle(state, InvitationFlow.times, draft)
            await message.answer(
                _("One of the times has passed meanwhile. Please send the times again."), reply_markup=invitation_cancel()
            )
            return
        raise
    except (WrongStep, ApplicationNotFound) as error:
        await end(state)
        alert(callback_answer, moved_on(error))
        return
    await end(state)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        _("Invitation sent to {name}. You will be told when they answer.").format(name=application.display_name)
    )


async def _time_expected(user: User, clock: Clock) -> tuple[str, InlineKeyboardMarkup]:
    return _("Please send the time as text, DD.MM HH:MM, for example: {example}.").format(
        example=_example(user.timezone, clock.now())
    ), invitation_cancel()


def _example(zone: str, now: datetime) -> str:
    """«14.12 18:00»: a week from today in the admin's zone, so never a time gone by."""
    return f"{example_day(now.astimezone(ZoneInfo(zone)).date()):%d.%m} 18:00"


async def _link_expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please send the meeting link as text."), invitation_cancel()


async def _buttons_expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please send the invitation or cancel it with the buttons above."), invitation_confirm()


TIMES = conversation.Step(InvitationFlow.times, InvitationDraft, take=_on_time, expected=_time_expected)
LINK = conversation.Step(InvitationFlow.link, InvitationDraft, take=_on_link, expected=_link_expected)
CONFIRMING = conversation.Step(InvitationFlow.confirming, InvitationDraft, expected=_buttons_expected)
