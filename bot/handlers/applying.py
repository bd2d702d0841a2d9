"""The applicant's side of vetting: ways in, where the application stands, and the interview invitation."""
from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import OpenRouter
from bot.conversation import end
from bot.flows.first_questionnaire import FIRST
from bot.flows.second_questionnaire import SECOND
from bot.handlers.stats import public_figures_text
from bot.handlers.testimonials import testimonials_text
from bot.keyboards.vetting import (
    OTHER_TIME,
    Continue,
    Discard,
    InterviewReply,
    StartApplying,
    confirm_discard,
    continue_form,
    interview_choices,
    start_applying,
)
from bot.menus import BUTTON_APPLY, BUTTON_STATUS
from bot.middlewares.callback_answer import alert
from bot.reviewers import reviewers
from bot.settings import Settings
from bot.views.applications import referral_line, status_text
from bot.views.presenting import local_moment
from core.applications import DRAFT_STEPS, FINISHED, Application, ApplicationNotFound, Form, NotYours, Step, WrongStep
from core.clock import Clock
from core.platform_rules import LIVE_FEWEST_DAYS, LIVE_MOST_DAYS, PAYOUT_DAYS
from core.ports import UnitOfWork
from core.usecases import vetting
from core.users import Role, User

REFERRAL_PAYLOAD = r"^ref_[a-z0-9]{4,16}$"


def links() -> Router:
    """Shareable links: ?start=apply and a referral begin an application."""
    router = OpenRouter(name="applying-links")
    router.message.register(apply_by_link, CommandStart(deep_link=True, magic=F.args == "apply"))
    router.message.register(apply_by_link, CommandStart(deep_link=True, magic=F.args.regexp(REFERRAL_PAYLOAD)))
    return router


def commands() -> Router:
    router = OpenRouter(name="applying-commands")
    router.message.register(apply, Command("apply"))
    router.message.register(apply, F.text == BUTTON_APPLY)
    router.message.register(show_status, Command("status"))
    router.message.register(show_status, F.text == BUTTON_STATUS)
    return router


def router() -> Router:
    router = OpenRouter(name="applying")
    router.callback_query.register(start, StartApplying.filter())
    router.callback_query.register(continue_draft, Continue.filter())
    router.callback_query.register(discard, Discard.filter())
    router.callback_query.register(reply_to_invitation, InterviewReply.filter())
    return router


def resume_router() -> Router:
    """Any stray message of someone with an unfinished questionnaire brings it back (after every topic)."""
    router = OpenRouter(name="applying-resume")
    router.message.register(resume, StateFilter(None), DraftToResume())
    return router


class DraftToResume(Filter):
    async def __call__(self, message: Message, uow: UnitOfWork, user: User) -> bool | dict[str, Any]:
        draft = await vetting.draft_to_resume(uow, user.telegram_id)
        return {"draft": draft} if draft is not None else False


# -- ways in -----------------------------------------------------------------

async def apply_by_link(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    state: FSMContext,
    settings: Settings,
) -> None:
    referral = (command.args or "").removeprefix("ref_") if (command.args or "").startswith("ref_") else ""
    await offer(message, uow, clock, user, state, referral, settings)


async def apply(
    message: Message, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, settings: Settings
) -> None:
    await offer(message, uow, clock, user, state, "", settings)


async def offer(
    message: Message, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, referral: str, settings: Settings
) -> None:
    """Why join and how it goes, or the application already in progress."""
    if Role.THERAPIST in user.roles:
        await message.answer(_("You are already a therapist on the platform: your cabinet is in /start."))
        return
    application = await vetting.current_application(uow, user.telegram_id)
    if application is not None and application.step not in FINISHED:
        if application.step is Step.FIRST_DRAFT and referral:
            application = await vetting.begin_application(uow, clock, user, referral)
        await _resume_or_status(message, state, application, user)
        return
    # Then the platform's figures this month, and what therapists already here say about it.
    figures = await public_figures_text(uow, clock, settings)
    text = "\n\n".join(part for part in (why_join(), figures, await testimonials_text(uow)) if part)
    await message.answer(text, reply_markup=start_applying(referral))


async def start(
    query: CallbackQuery, message: Message, callback_data: StartApplying, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    try:
        application = await vetting.begin_application(uow, clock, user, callback_data.referral or None)
    except vetting.AlreadyTherapist:
        alert(callback_answer, _("You are already a therapist on the platform: your cabinet is in /start."))
        return
    await message.edit_reply_markup(reply_markup=None)
    await _resume_or_status(message, state, application, user)


async def continue_draft(
    query: CallbackQuery, message: Message, callback_data: Continue, uow: UnitOfWork, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    flow = FIRST if callback_data.form is Form.FIRST else SECOND
    try:
        application = await vetting.open_draft(uow, user.telegram_id, callback_data.form)
    except (ApplicationNotFound, WrongStep):
        alert(callback_answer, _("This questionnaire is closed. Where your application stands: /status"))
        return
    await flow.begin(message, state, application)


async def resume(message: Message, draft: Application, state: FSMContext) -> None:
    flow = FIRST if draft.step in DRAFT_STEPS[Form.FIRST] else SECOND
    await flow.begin(message, state, draft, _("Welcome back! Your answers are saved; here is where you stopped."))


async def discard(query: CallbackQuery, message: Message, callback_data: Discard, uow: UnitOfWork, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    if not callback_data.sure:
        await message.answer(
            _("Discard every answer of your first questionnaire? This cannot be undone."), reply_markup=confirm_discard()
        )
        return
    try:
        await vetting.discard_draft(uow, user)
    except (ApplicationNotFound, WrongStep):
        alert(callback_answer, _("There is nothing to discard: the questionnaire was already sent or removed."))
        return
    await end(state)
    await message.edit_text(_("Your answers are discarded. You can apply again at any time: /apply"))


async def _resume_or_status(message: Message, state: FSMContext, application: Application, user: User) -> None:
    if application.step in DRAFT_STEPS[Form.FIRST]:
        note = "" if application.version == 0 else _("Welcome back! Your answers are saved; here is where you stopped.")
        await FIRST.begin(message, state, application, note)
    elif application.step in DRAFT_STEPS[Form.SECOND]:
        await SECOND.begin(message, state, application)
    else:
        await message.answer(_("Your application is already on its way. Where it stands: /status"))


# -- where it stands -----------------------------------------------------------

async def show_status(message: Message, uow: UnitOfWork, user: User, settings: Settings, bot: Bot) -> None:
    application = await vetting.current_application(uow, user.telegram_id)
    text = status_text(application, user.timezone, settings.vetting_remind_after_business_days)
    if application is not None and application.step is not Step.DECLINED:
        me = await bot.me()
        text += "\n\n" + referral_line(f"https://t.me/{me.username}?start=ref_{application.referral_code}")
    await message.answer(text, reply_markup=status_buttons(application, user))


def status_buttons(application: Application | None, user: User) -> InlineKeyboardMarkup | None:
    if application is None:
        return None
    if application.step in DRAFT_STEPS[Form.FIRST]:
        return continue_form(Form.FIRST, discard=True)
    if application.step in DRAFT_STEPS[Form.SECOND]:
        return continue_form(Form.SECOND)
    if application.step is Step.INTERVIEW_INVITED:
        return interview_choices(application, user.timezone)
    return None


def why_join() -> str:
    offer = "\n".join([
        _(
            "Join the platform as a therapist\n\n"
            "• Clients: an active profile brings you new clients; you choose whom to take, and switch your "
            "profile on and off when you like.\n"
            "• Your own page on the platform, without building a website; if you like, a part in our videos, "
            "podcasts and articles.\n"
            "• Support with your profile and with anything technical."
        ),
        ngettext(
            "• Your pay arrives within {days} business day after the platform receives it.",
            "• Your pay arrives within {days} business days after the platform receives it.",
            PAYOUT_DAYS,
        ).format(days=PAYOUT_DAYS),
    ])
    return "\n\n".join([
        offer,
        ngettext(
            "How joining goes: a short questionnaire (about 10 minutes) → an online interview with our community "
            "manager → a second questionnaire with your documents → your profile goes live within {fewest}–{most} "
            "business day → an invitation to your cabinet, right here.",
            "How joining goes: a short questionnaire (about 10 minutes) → an online interview with our community "
            "manager → a second questionnaire with your documents → your profile goes live within {fewest}–{most} "
            "business days → an invitation to your cabinet, right here.",
            LIVE_MOST_DAYS,
        ).format(fewest=LIVE_FEWEST_DAYS, most=LIVE_MOST_DAYS),
        _(
            "The requirements are in /requirements. If you miss one, you can still apply: the questionnaire shows "
            "honestly what is met and what is not."
        ),
    ])


# -- the interview invitation ----------------------------------------------------

async def reply_to_invitation(
    query: CallbackQuery, message: Message, callback_data: InterviewReply, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    number, invitation = callback_data.application, callback_data.invitation
    try:
        if callback_data.choice == OTHER_TIME:
            await vetting.ask_for_other_times(uow, clock, user, number, invitation)
            text = _("Thank you for telling us. Our community manager will offer other times; the new invitation will come here.")
        else:
            application = await vetting.confirm_interview(
                uow, clock, user, number, invitation, callback_data.choice, reviewers(settings)
            )
            assert application.interview is not None and application.interview.at is not None
            text = _("✅ Confirmed: {when}.\nLink: {link}\nWe will remind you a day and an hour before.").format(
                when=local_moment(application.interview.at, user.timezone), link=application.interview.link
            )
    except (NotYours, ApplicationNotFound):
        alert(callback_answer, _("This invitation is not yours."))
        return
    except vetting.OutdatedInvitation:
        alert(callback_answer, _("This invitation was replaced by a newer one, or its time has passed. Where things stand: /status"))
        return
    except WrongStep as error:
        if error.step is Step.INTERVIEW_SCHEDULED:
            alert(callback_answer, _("You have already confirmed the interview. Its time and link: /status"))
        else:
            alert(callback_answer, _("This invitation is no longer open. Where things stand: /status"))
        return
    await message.edit_text(text)
