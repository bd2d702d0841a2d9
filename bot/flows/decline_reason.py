"""An admin declines an application: a reason template they can send as it is or replace.

The preview is the very text the applicant will read, in the applicant's language.
"""
from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import conversation
from bot.access import StaffRouter
from bot.conversation import Draft, Reply, Stay, end
from bot.keyboards.preferences import LANGUAGES
from bot.keyboards.vetting import DeclineStep, StepAction, decline_confirm
from bot.middlewares.callback_answer import alert, out_of_date, out_of_date_button
from bot.reviewers import reviewers
from bot.settings import Settings
from bot.views.applications import decline_template, moved_on, polite_decline
from core.applications import FINISHED, ApplicationNotFound, Step, WrongStep
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases import vetting
from core.users import User


class DeclineFlow(StatesGroup):
    reason = State()


class DeclineDraft(Draft):
    application: int
    reason: str  # the middle of the letter: the template, or what the admin typed instead
    locale: str  # the applicant's: the letter is previewed as they will read it


def router() -> Router:
    router = StaffRouter(name="decline-reason", permission=Permission.REVIEW_APPLICATIONS)
    router.callback_query.register(send, DeclineStep.filter(F.action == StepAction.SEND), DeclineFlow.reason)
    router.callback_query.register(cancel, DeclineStep.filter(F.action == StepAction.CANCEL), DeclineFlow.reason)
    router.callback_query.register(out_of_date_button, DeclineStep.filter())
    REASON.register(router)
    return router


async def begin(message: Message, uow: UnitOfWork, state: FSMContext, admin: User, i18n: I18n, number: int) -> None:
    file = await vetting.application_for_review(uow, number)
    if file.application.step in FINISHED or file.application.step is Step.FIRST_DRAFT:
        raise WrongStep(file.application.step)
    locale = file.applicant.locale if file.applicant else i18n.default_locale
    with i18n.use_locale(locale):
        reason = decline_template(file.application)
    draft = DeclineDraft(application=number, reason=reason, locale=locale)
    await REASON.ask(Reply(message), state, draft, _preview(i18n, file.application.display_name, draft), decline_confirm())


async def _reason(message: Message, text: str, draft: DeclineDraft, state: FSMContext, i18n: I18n, uow: UnitOfWork) -> None:
    reason = text.strip()
    if len(reason) > vetting.MAX_REASON_LENGTH:
        raise Stay(
            _("That is too long: {high} characters at most, and this is {length}.").format(
                high=vetting.MAX_REASON_LENGTH, length=len(reason)
            ),
            None,
        )
    draft.reason = reason
    file = await vetting.application_for_review(uow, draft.application)
    await REASON.ask(Reply(message), state, draft, _preview(i18n, file.application.display_name, draft), decline_confirm())


def _preview(i18n: I18n, name: str, draft: DeclineDraft) -> str:
    with i18n.use_locale(draft.locale):
        letter = polite_decline(draft.reason)
    return _(
        "{name} will read this ({language}):\n\n{letter}\n\n"
        "Send it as it is, or type your own reason to replace the middle part."
    ).format(name=name, language=LANGUAGES.get(draft.locale, draft.locale), letter=letter)


async def _expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please type the reason as text, or use the buttons above."), decline_confirm()


REASON = conversation.Step(DeclineFlow.reason, DeclineDraft, take=_reason, expected=_expected)


async def cancel(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await end(state)
    await message.edit_text(_("Cancelled: the application stays as it was."))


async def send(query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer) -> None:
    draft = await DeclineDraft.load(state)
    if draft is None:
        await end(state)
        out_of_date(callback_answer)
        return
    try:
        application = await vetting.decline(uow, clock, user, draft.application, draft.reason, reviewers(settings))
    except (WrongStep, ApplicationNotFound) as error:
        await end(state)
        alert(callback_answer, moved_on(error))
        return
    await end(state)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        _("Declined. {name} will be told politely, with your reason.").format(name=application.display_name)
    )

