"""The community manager's side of vetting: the queue, an application in full, and the decisions.

Only reviewers act here (a staff router of REVIEW_APPLICATIONS: full admins and community managers);
anyone else pressing a forged or forwarded button is refused without
learning anything about the application.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter, publish_own_commands
from bot.arguments import NotANumber, record_number
from bot.editing import Screen
from bot.flows import decline_reason, interview_invitation
from bot.keyboards.vetting import Review, ReviewAction, decisions, open_application, queue_buttons
from bot.menus import BUTTON_APPLICATIONS
from bot.middlewares.callback_answer import alert
from bot.reviewers import reviewers
from bot.settings import Settings
from bot.views.applications import (
    answers_block,
    live_range,
    moved_on,
    requirement_check,
    step_name,
    title,
)
from bot.views.lengths import chunks
from bot.views.presenting import day_label, local_day, local_moment, local_time
from core.applications import IN_REVIEW, Action, ApplicationNotFound, Form, Step, WrongStep
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases import vetting
from core.users import User

QUEUE_BUTTONS = 40
DOCUMENT_ITEMS = ("education_documents", "certificates", "photo")


def commands() -> Router:
    router = StaffRouter(name="applications-admin-commands", permission=Permission.REVIEW_APPLICATIONS)
    router.message.register(show_queue, Command("applications"))
    router.message.register(show_queue, F.text == BUTTON_APPLICATIONS)
    return router


def router() -> Router:
    router = StaffRouter(name="applications-admin", permission=Permission.REVIEW_APPLICATIONS)
    router.callback_query.register(queue_again, Review.filter(F.action == ReviewAction.QUEUE))
    router.callback_query.register(open_from_button, Review.filter(F.action == ReviewAction.OPEN))
    router.callback_query.register(documents, Review.filter(F.action == ReviewAction.DOCS))
    router.callback_query.register(invite, Review.filter(F.action == ReviewAction.INVITE))
    router.callback_query.register(decline, Review.filter(F.action == ReviewAction.DECLINE))
    router.callback_query.register(interview_held, Review.filter(F.action == ReviewAction.HELD))
    router.callback_query.register(approve, Review.filter(F.action == ReviewAction.APPROVE))
    router.callback_query.register(publish, Review.filter(F.action == ReviewAction.PUBLISH))
    return router


async def show_queue(
    message: Message, uow: UnitOfWork, user: User, settings: Settings, clock: Clock, command: CommandObject | None = None
) -> None:
    """The queue; `/applications 12` opens application #12."""
    wanted = record_number(command.args or "") if command else NotANumber.MISSING
    if wanted is NotANumber.TOO_LARGE:
        await message.answer(
            _("An application number is a whole number such as 12 (see /applications); that one is far too large.")
        )
        return
    if wanted is not NotANumber.MISSING:
        try:
            await show_application(message, uow, wanted, user)
        except ApplicationNotFound:
            await message.answer(_("There is no such application."))
        return
    await message.answer(**await _queue(uow, clock, user))


async def queue_again(query: CallbackQuery, message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    await message.answer(**await _queue(uow, clock, user))


async def open_from_button(query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> None:
    async with _refusals(callback_answer=callback_answer):
        await show_application(message, uow, callback_data.application, user)


async def documents(query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, callback_answer: CallbackAnswer) -> None:
    async with _refusals(callback_answer=callback_answer):
        await show_documents(message, uow, callback_data.application)


async def invite(query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    async with _refusals(callback_answer=callback_answer):
        await interview_invitation.begin(message, uow, state, user, callback_data.application, clock.now())


async def decline(query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, user: User, state: FSMContext, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    async with _refusals(callback_answer=callback_answer):
        await decline_reason.begin(message, uow, state, user, i18n, callback_data.application)


async def interview_held(
    query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async with _refusals(callback_answer=callback_answer):
        application = await vetting.mark_interview_held(uow, clock, user, callback_data.application, reviewers(settings))
        await message.answer(
            _("Marked as held. {name} has been sent the second questionnaire.").format(name=application.display_name)
        )


async def approve(
    query: CallbackQuery, message: Message, callback_data: Review, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    async with _refusals(callback_answer=callback_answer):
        application = await vetting.approve(uow, clock, user, callback_data.application, reviewers(settings))
        first, last = live_range(application, user.timezone)
        await message.answer(
            _(
                "Approved: the profile of {name} is created, not public yet. They were told it goes live "
                "between {first} and {last}."
            ).format(name=application.display_name, first=first, last=last),
            reply_markup=decisions(application),
        )


async def publish(
    query: CallbackQuery,
    message: Message,
    callback_data: Review,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    async with _refusals(callback_answer=callback_answer):
        application, therapist = await vetting.publish(uow, clock, user, callback_data.application, reviewers(settings))
        # Their own command menu changes now; the reply keyboard on their next /start.
        await publish_own_commands(bot, i18n, uow, settings, therapist)
        await message.answer(
            _("Published: {name} is a therapist on the platform now and has been invited into the cabinet.").format(
                name=application.display_name
            )
        )


@asynccontextmanager
async def _refusals(callback_answer: CallbackAnswer) -> AsyncIterator[None]:
    """An application that is gone, or has moved on since its button was sent: the admin is told which."""
    try:
        yield
    except (ApplicationNotFound, WrongStep) as error:
        alert(callback_answer, moved_on(error))


async def _queue(uow: UnitOfWork, clock: Clock, admin: User) -> Screen:
    waiting = await vetting.review_queue(uow)
    if not waiting:
        return {"text": _("No applications are waiting. New ones come to you as messages here.")}
    ordered = [application for step in IN_REVIEW for application in waiting if application.step is step]
    lines = [_("Applications, by step, the longest waiting first:")]
    for step in IN_REVIEW:
        of_step = [application for application in ordered if application.step is step]
        if not of_step:
            continue
        lines += ["", f"{step_name(step)} ({len(of_step)}):"]
        lines.extend(
            _("#{number} {name}, since {day}").format(
                number=application.id, name=application.display_name, day=local_day(application.updated_at, admin.timezone)
            )
            for application in of_step
        )
    if len(ordered) > QUEUE_BUTTONS:
        lines += ["", _("Buttons are shown for the first {count}; open any other with /applications and its number.").format(count=QUEUE_BUTTONS)]
    return {"text": chunks("\n".join(lines))[0], "reply_markup": queue_buttons(ordered, clock.now(), QUEUE_BUTTONS)}


async def show_application(message: Message, uow: UnitOfWork, number: int, admin: User) -> None:
    file = await vetting.application_for_review(uow, number)
    parts = chunks(review_text(file, admin.timezone))
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=decisions(file.application))


def review_text(file: vetting.ReviewFile, zone: str) -> str:
    application = file.application
    names = file.names
    lines = [
        _("Application #{number} · {name}").format(number=application.id, name=application.display_name),
        _("Step: {step}, since {day}").format(
            step=step_name(application.step), day=local_day(application.updated_at, zone)
        ),
    ]
    if application.referrer_id is not None:
        lines.append(
            _("Referred by: {name}").format(name=names.get(application.referrer_id, str(application.referrer_id)))
        )
    lines += ["", _("First questionnaire:"), answers_block(application, Form.FIRST), "", requirement_check(application.first_answers)]
    interview = application.interview
    if interview is not None:
        times = ", ".join(local_moment(moment, zone) for moment in interview.times)
        lines += ["", _("Interview: {times}\nLink: {link}").format(times=times, link=interview.link)]
        if interview.at is not None:
            lines.append(_("Confirmed for {when}.").format(when=local_moment(interview.at, zone)))
    if application.second_answers and application.step not in {Step.INTERVIEW_HELD}:
        lines += ["", _("Second questionnaire:"), answers_block(application, Form.SECOND)]
    if application.decline_reason:
        lines += ["", _("Declined with the reason:"), application.decline_reason]
    lines += ["", _("History:")]
    for event in file.history:
        who = names.get(event.actor_id, str(event.actor_id))
        lines.append(
            f"• {day_label(event.at, zone)}, {local_time(event.at, zone)} · {action_name(event.action)} · {who}"
        )
    return "\n".join(lines)


def action_name(action: Action) -> str:
    return {
        Action.STARTED: _("started"),
        Action.SUBMITTED: _("sent the first questionnaire"),
        Action.INVITED: _("invited to an interview"),
        Action.CONFIRMED: _("confirmed the interview"),
        Action.OTHER_TIME_ASKED: _("asked for another time"),
        Action.HELD: _("marked the interview held"),
        Action.SECOND_SUBMITTED: _("sent the second questionnaire"),
        Action.APPROVED: _("approved"),
        Action.PUBLISHED: _("published"),
        Action.DECLINED: _("declined"),
    }[action]


async def show_documents(message: Message, uow: UnitOfWork, number: int) -> None:
    """Documents stay inside Telegram: sent to the admin by their file ids, never stored elsewhere."""
    file = await vetting.application_for_review(uow, number)
    answers = file.application.second_answers
    sent = 0
    for key in DOCUMENT_ITEMS:
        value = answers.get(key)
        items = value if isinstance(value, list) else [value] if value else []
        for index, item in enumerate(items, start=1):
            caption = _("#{number} · {item} {index}/{count}").format(
                number=number, item=title(Form.SECOND, key), index=index, count=len(items)
            )
            if item["kind"] == "photo":
                await message.answer_photo(item["file_id"], caption=caption)
            else:
                await message.answer_document(item["file_id"], caption=caption)
            sent += 1
    if not sent:
        await message.answer(_("No documents have been sent yet."), reply_markup=open_application(number))
