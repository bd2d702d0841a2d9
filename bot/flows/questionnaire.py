"""One question at a time: what the two vetting questionnaires share, a conversation of the one shape.

A questionnaire is one `Step` (`bot/conversation.py`) holding `Nothing` in the conversation state:
its draft is the application itself (its answers and the question it stands at), saved in the
database on every answer, so a restart, a lost state or days away resume exactly where the applicant
stopped. The step takes typed text, photos and documents; anything else is told what the question
wants. Buttons carry the question they answer: one from another question is refused, never taken
for the current one.
"""
from __future__ import annotations

from collections.abc import Awaitable, Mapping

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import OpenRouter
from bot.conversation import Leave, Nothing, Stay, Step, end, settle
from bot.keyboards.preferences import COMMON_ZONES
from bot.keyboards.vetting import Answer, Nav, NavAction
from bot.menus import main_menu
from bot.middlewares.callback_answer import alert, out_of_date_text
from bot.reviewers import reviewers
from bot.settings import Settings
from bot.views.applications import answer_text, answers_block, option_label, requirement_check, review_time, title
from bot.views.presenting import zone_city, zone_label
from core.applications import SUMMARY, Application, ApplicationNotFound, Form, WrongStep
from core.clock import Clock
from core.ports import UnitOfWork
from core.questionnaires import (
    QUESTIONS,
    InvalidAnswer,
    Kind,
    Question,
    StalePosition,
    UploadedFile,
    is_answered,
    question,
)
from core.usecases import vetting
from core.users import User

# What a button may run into; anything else is a fault, left to the error handler.
REFUSALS = (InvalidAnswer, StalePosition, ApplicationNotFound, WrongStep, vetting.Incomplete)


class Questionnaire:
    """A questionnaire's words and its handlers; the two forms differ in prompts and in what sending does."""

    def __init__(self, form: Form, state: State, prompts: Mapping[str, object]) -> None:
        self.form = form
        self.state = state
        self.prompts = prompts
        self.answering = Step(state, Nothing, take=self.on_answer, takes=F.text | F.photo | F.document, expected=self.on_other)

    # -- routing ---------------------------------------------------------------
    def router(self) -> Router:
        router = OpenRouter(name=f"questionnaire-{self.form}")
        router.callback_query.register(self.on_option, Answer.filter(F.form == self.form))
        for action, handler in (
            (NavAction.BACK, self.on_back),
            (NavAction.DONE, self.on_done),
            (NavAction.KEEP, self.on_done),
            (NavAction.SKIP, self.on_skip),
            (NavAction.CLEAR, self.on_clear),
            (NavAction.EDIT, self.on_edit),
            (NavAction.SEND, self.on_send),
        ):
            router.callback_query.register(handler, Nav.filter((F.form == self.form) & (F.action == action)))
        self.answering.register(router)
        return router

    # -- what the applicant sees ------------------------------------------------
    def view(self, application: Application, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
        """Where the applicant stands: the question (or the summary), under `note` if there is one."""
        if application.position == SUMMARY:
            text, markup = self.summary(application)
        else:
            text, markup = self.question_view(application)
        return (f"{note}\n\n{text}" if note else text), markup

    async def begin(self, message: Message, state: FSMContext, application: Application, note: str = "") -> None:
        """Show where the applicant stands, as a new message, and wait at the questionnaire's step."""
        await settle(state, self.state, Nothing())
        text, markup = self.view(application, note)
        await message.answer(text, reply_markup=markup)

    def question_view(self, application: Application) -> tuple[str, InlineKeyboardMarkup]:
        q = question(self.form, application.position)
        keys = [each.key for each in QUESTIONS[self.form]]
        index = keys.index(q.key)
        # The zone question is passed over when the zone is known, so it is not counted: the numbers never jump.
        counted = [each.key for each in QUESTIONS[self.form] if each.kind is not Kind.ZONE]
        answers = application.answers(self.form)
        if q.kind is Kind.ZONE:
            lines = [_("Before the next question: your time zone")]
        else:
            lines = [_("Question {number} of {total}").format(number=counted.index(q.key) + 1, total=len(counted))]
        number = index + 1
        zone_before = QUESTIONS[self.form][index - 1] if index > 0 else None
        if zone_before is not None and zone_before.kind is Kind.ZONE and zone_before.key in answers and not application.editing:
            # The zone question is passed over when the zone is known (core/questionnaires.py: advance): say which.
            lines.append(
                _("🕓 Time zone: {zone}; you can change it in the summary at the end.").format(
                    zone=zone_label(answers[zone_before.key], application.updated_at)
                )
            )
        lines.append(str(self.prompts[q.key]).format(low=q.low, high=q.high))
        if is_answered(q, answers) and q.kind not in {Kind.MULTI}:
            lines.append(_("Your answer now: {answer}").format(answer=answer_text(self.form, q.key, answers[q.key])))
        return "\n\n".join(lines), self.question_buttons(application, q, number)

    def question_buttons(self, application: Application, q: Question, number: int) -> InlineKeyboardMarkup:
        answers = application.answers(self.form)
        options: list[InlineKeyboardButton] = []
        if q.kind is Kind.YES_NO:
            options = [self._option(q, code, option_label(self.form, q.key, code)) for code in ("yes", "no")]
        elif q.kind is Kind.ZONE:
            options = [self._option(q, zone, zone_city(zone)) for zone in COMMON_ZONES]
        elif q.kind in {Kind.CHOICE, Kind.CHOICE_OR_TEXT, Kind.MULTI}:
            chosen = (answers.get(q.key) or []) if q.kind is Kind.MULTI else []
            options = [
                self._option(q, code, ("✅ " if code in chosen else "") + option_label(self.form, q.key, code))
                for code in q.options
            ]
        navigation = []
        if q.kind in {Kind.MULTI, Kind.FILES}:
            navigation.append((_("✔️ Done"), NavAction.DONE))
        if q.kind is Kind.FILES and answers.get(q.key):
            navigation.append((_("🗑 Remove the files sent"), NavAction.CLEAR))
        if q.kind is Kind.EMAIL:
            navigation.append((_("Skip: Telegram is enough"), NavAction.SKIP))
        elif q.optional:
            navigation.append((_("Skip: in Ukrainian only"), NavAction.SKIP))
        if is_answered(q, answers) and q.kind not in {Kind.MULTI, Kind.FILES} and not application.editing:
            navigation.append((_("➡️ Keep this answer"), NavAction.KEEP))
        if application.editing:
            navigation.append((_("⬅️ Back to the summary"), NavAction.BACK))
        elif number > 1:
            navigation.append((_("⬅️ Back"), NavAction.BACK))
        rows = [options[i : i + 2] for i in range(0, len(options), 2)]
        rows += [
            [InlineKeyboardButton(text=label, callback_data=Nav(form=self.form, action=action, key=q.key).pack())]
            for label, action in navigation
        ]
        return InlineKeyboardMarkup(inline_keyboard=rows)

    def _option(self, q: Question, code: str, label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=label, callback_data=Answer(form=self.form, key=q.key, value=code).pack())

    def summary(self, application: Application) -> tuple[str, InlineKeyboardMarkup]:
        parts = [_("Please check your answers:"), answers_block(application, self.form, shorten=300)]
        if self.form is Form.FIRST:
            parts.append(requirement_check(application.first_answers))
        parts.append(_("Change any answer with the buttons below, or send the questionnaire."))
        edits = [
            InlineKeyboardButton(
                text=f"✏️ {title(self.form, q.key)}", callback_data=Nav(form=self.form, action=NavAction.EDIT, key=q.key).pack()
            )
            for q in QUESTIONS[self.form]
        ]
        send = InlineKeyboardButton(
            text=_("📨 Send the questionnaire"), callback_data=Nav(form=self.form, action=NavAction.SEND).pack()
        )
        rows = [edits[i : i + 2] for i in range(0, len(edits), 2)] + [[send]]
        return "\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows)

    # -- handlers ----------------------------------------------------------------
    async def on_option(
        self, query: CallbackQuery, message: Message, callback_data: Answer, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
    ) -> None:
        try:
            application = await vetting.answer_option(uow, clock, user, self.form, callback_data.key, callback_data.value)
        except REFUSALS as error:
            await self._refused(message, uow, user, state, error, callback_answer=callback_answer)
            return
        if question(self.form, callback_data.key).kind is Kind.MULTI and application.position == callback_data.key:
            # A toggle: the same question, its buttons redrawn with the new marks.
            await settle(state, self.state, Nothing())
            _text, markup = self.question_view(application)
            await _edit_markup(message, markup)
            return
        await _edit_markup(message, None)
        await self.begin(message, state, application)

    async def on_back(self, query: CallbackQuery, message: Message, callback_data: Nav, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
        await self._moved(query, message, uow, user, state, vetting.go_back(uow, clock, user, self.form, callback_data.key), callback_answer=callback_answer)

    async def on_done(self, query: CallbackQuery, message: Message, callback_data: Nav, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
        """«Done» with a question of several answers or files, or «Keep this answer»."""
        await self._moved(query, message, uow, user, state, vetting.finish_question(uow, clock, user, self.form, callback_data.key), callback_answer=callback_answer)

    async def on_skip(self, query: CallbackQuery, message: Message, callback_data: Nav, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
        await self._moved(query, message, uow, user, state, vetting.skip_question(uow, clock, user, self.form, callback_data.key), callback_answer=callback_answer)

    async def on_clear(self, query: CallbackQuery, message: Message, callback_data: Nav, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
        await self._moved(query, message, uow, user, state, vetting.remove_files(uow, clock, user, self.form, callback_data.key), callback_answer=callback_answer)

    async def on_edit(self, query: CallbackQuery, message: Message, callback_data: Nav, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer) -> None:
        await self._moved(query, message, uow, user, state, vetting.edit_answer(uow, clock, user, self.form, callback_data.key), callback_answer=callback_answer)

    async def on_send(
        self, query: CallbackQuery, message: Message, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, settings: Settings, callback_answer: CallbackAnswer
    ) -> None:
        try:
            await self.send(message, uow, clock, user, state, settings)
        except REFUSALS as error:
            await self._refused(message, uow, user, state, error, callback_answer=callback_answer)

    async def _moved(
        self, query: CallbackQuery, message: Message, uow: UnitOfWork, user: User, state: FSMContext, change: Awaitable[Application], callback_answer: CallbackAnswer
    ) -> None:
        """The applicant moved within the questionnaire: the question they are at now, or why not."""
        try:
            application = await change
        except REFUSALS as error:
            await self._refused(message, uow, user, state, error, callback_answer=callback_answer)
            return
        await _edit_markup(message, None)
        await self.begin(message, state, application)

    async def send(
        self, message: Message, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, settings: Settings
    ) -> None:
        submit = vetting.submit_first if self.form is Form.FIRST else vetting.submit_second
        await submit(uow, clock, user, reviewers(settings))
        await end(state)
        await _edit_markup(message, None)
        waiting = review_time(settings.vetting_remind_after_business_days)
        if self.form is Form.FIRST:
            text = _(
                "Thank you! Your questionnaire is sent. Our community manager reads every one; you will hear "
                "from us right here. {waiting}\n\nWhere your application stands, at any time: /status"
            ).format(waiting=waiting)
        else:
            text = _(
                "Thank you! Your documents and profile are sent for approval; you will hear from us right here. "
                "{waiting}\n\nWhere your application stands, at any time: /status"
            ).format(waiting=waiting)
        await message.answer(text, reply_markup=main_menu(user.main_role(settings.admin_ids)))

    async def on_answer(
        self, message: Message, text: str, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
    ) -> None:
        """The step's answer: typed text, or a photo or document for a question of files."""
        if message.photo or message.document:
            file = uploaded(message)
            limit = settings.vetting_max_document_mb * 1024 * 1024
            change = vetting.add_file(uow, clock, user, self.form, file, max_bytes=limit)
            await self._answered(message, uow, user, change, received=file)
            return
        await self._answered(message, uow, user, vetting.answer_typed(uow, clock, user, self.form, text))

    async def on_other(self, uow: UnitOfWork, user: User) -> tuple[str, InlineKeyboardMarkup]:
        """What anything else (a sticker, a voice message) is told: what the question wants, and the question."""
        application = await self._draft(uow, user)
        if application.position == SUMMARY:
            return self.view(application, _("Please use the buttons under the summary."))
        return self.view(application, expected(question(self.form, application.position)))

    # -- inside ------------------------------------------------------------------
    async def _answered(
        self, message: Message, uow: UnitOfWork, user: User, change: Awaitable[Application], received: UploadedFile | None = None
    ) -> None:
        try:
            application = await change
        except InvalidAnswer as error:
            draft = await self._draft(uow, user)
            raise Stay(*self.view(draft, invalid(error, draft, self.form))) from None
        except (ApplicationNotFound, WrongStep):
            raise Leave(_closed()) from None
        if received is not None and application.position != SUMMARY:
            q = question(self.form, application.position)
            if q.kind is Kind.FILES:
                count = len(application.answers(self.form).get(q.key) or [])
                _text, markup = self.question_view(application)
                await message.answer(
                    _("✓ Received: {count} so far. Send more, or press “Done”.").format(count=count),
                    reply_markup=markup,
                )
                return
        text, markup = self.view(application)
        await message.answer(text, reply_markup=markup)

    async def _draft(self, uow: UnitOfWork, user: User) -> Application:
        """The application the questionnaire fills in; a closed one ends the conversation (`Leave`)."""
        try:
            return await vetting.open_draft(uow, user.telegram_id, self.form)
        except (ApplicationNotFound, WrongStep):
            raise Leave(_closed()) from None

    async def _refused(
        self, message: Message, uow: UnitOfWork, user: User, state: FSMContext, error: Exception, callback_answer: CallbackAnswer
    ) -> None:
        """A button that cannot act: a wrong answer, a closed questionnaire, or one of another question."""
        if isinstance(error, InvalidAnswer):
            alert(callback_answer, _invalid_alert(error))
            return
        if isinstance(error, (ApplicationNotFound, WrongStep)):
            await end(state)
            alert(callback_answer, _closed())
            return
        callback_answer.text = _("This button is from another question. Here is where you are now:")
        application = await vetting.open_draft(uow, user.telegram_id, self.form)
        await self.begin(message, state, application)


def _closed() -> str:
    return _("This questionnaire is closed. Where your application stands: /status")


def uploaded(message: Message) -> UploadedFile:
    if message.photo:
        largest = message.photo[-1]
        return UploadedFile(largest.file_id, largest.file_unique_id, "photo", "image/jpeg", largest.file_size)
    document = message.document
    assert document is not None
    return UploadedFile(
        document.file_id, document.file_unique_id, "document", document.mime_type, document.file_size, document.file_name
    )


def expected(q: Question) -> str:
    """What a question wants, said to someone who sent something else (a sticker, a voice message)."""
    if q.kind is Kind.FILES:
        return _("I need a file here: a photo or a PDF document. When everything is sent, press “Done”.")
    if q.kind is Kind.PHOTO:
        return _("I need a photo here: a clear portrait, sent as a photo.")
    if q.typed:
        return _("Please type your answer as text.")
    return _("Please answer with the buttons below.")


def invalid(error: InvalidAnswer, application: Application, form: Form) -> str:
    details = error.details
    reason = error.reason
    if reason == "too_short":
        return ngettext(
            "That is too short: at least {low} character, please.", "That is too short: at least {low} characters, please.",
            details["low"],
        ).format(low=details["low"])
    if reason == "too_long":
        return _("That is too long: {high} characters at most, and this is {length}.").format(
            high=details["high"], length=details["length"]
        )
    if reason == "no_letters":
        return _("Please answer in words.")
    if reason == "not_an_email":
        return _("That doesn't look like an e-mail address (like name@example.com). Send it again, or skip it.")
    if reason in {"not_a_number", "out_of_range"}:
        return _("Please send a whole number from {low} to {high}, in digits.").format(
            low=details["low"], high=details["high"]
        )
    if reason == "unknown_zone":
        return _(
            "I don't know that time zone. Send a city (Warsaw, New York) or a zone name (Europe/Berlin), "
            "or pick a button."
        )
    if reason == "wrong_file_type":
        return _("This file can't be taken: please send a PDF document or a photo (JPEG or PNG).")
    if reason == "file_too_large":
        return _("This file is {size} MB, and the limit is {limit} MB. Please send a smaller one.").format(
            size=details["size_mb"], limit=details["limit_mb"]
        )
    if reason == "too_many_files":
        return _("That is {limit} files already, the most for one item. Press “Done”, or remove them and start again.").format(
            limit=details["limit"]
        )
    if reason == "duplicate_file":
        return _("This file is already here.")
    if reason == "not_a_photo":
        return _("Please send the portrait as a photo, not as a file (in Telegram choose “Photo”, not “File”).")
    if reason == "file_not_expected":
        return _("No file is needed here.")
    if reason == "at_summary":
        return _("Every question is answered. Change an answer or send the questionnaire with the buttons below.")
    if reason == "send_file":
        return expected(question(form, application.position))
    return _("Please answer with the buttons below.")


def _invalid_alert(error: InvalidAnswer) -> str:
    if error.reason == "no_files":
        return _("Send at least one file first.")
    if error.reason == "none_chosen":
        return _("Choose at least one.")
    return out_of_date_text()


async def _edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest:
        pass  # already gone, or unchanged: nothing to take away
