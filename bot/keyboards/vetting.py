"""Buttons of vetting: the questionnaires, the interview invitation, and the admins' decisions.

Callback data names the application, never trusts it: every handler checks
who pressed and what step the application is at now.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from bot.views.presenting import moment_label
from core.applications import Application, Form, Step


class Answer(ButtonData, prefix="qa"):
    """A button answering one question of a questionnaire."""

    form: Form
    key: str
    value: str


class NavAction(StrEnum):
    BACK = "back"
    DONE = "done"
    KEEP = "keep"
    SKIP = "skip"
    CLEAR = "clear"  # the files sent for a question
    EDIT = "edit"
    SEND = "send"


class Nav(ButtonData, prefix="qn"):
    form: Form
    action: NavAction
    key: str = ""


class StartApplying(ButtonData, prefix="apply"):
    referral: str = ""


class Continue(ButtonData, prefix="cont"):
    form: Form


class Discard(ButtonData, prefix="discard"):
    sure: bool = False


class InterviewReply(ButtonData, prefix="iv"):
    application: int
    invitation: int
    choice: int  # index of the time picked; -1: none suits


class ReviewAction(StrEnum):
    OPEN = "open"
    DOCS = "docs"
    INVITE = "invite"
    HELD = "held"
    APPROVE = "approve"
    PUBLISH = "publish"
    DECLINE = "decline"
    QUEUE = "queue"


class Review(ButtonData, prefix="rv"):
    """An admin's button about an application (none for the queue)."""

    action: ReviewAction
    application: int = 0


class StepAction(StrEnum):
    DONE = "done"  # all the interview times are in
    SEND = "send"
    CANCEL = "cancel"


class InvitationStep(ButtonData, prefix="ivs"):
    action: StepAction


class DeclineStep(ButtonData, prefix="dcl"):
    action: StepAction  # send · cancel


OTHER_TIME = -1


def start_applying(referral: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📝 Start the questionnaire"), callback_data=StartApplying(referral=referral))
    return builder.as_markup()


def continue_form(form: Form, *, discard: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📝 Continue the questionnaire"), callback_data=Continue(form=form))
    if discard:
        builder.button(text=_("🗑 Discard my answers"), callback_data=Discard())
    builder.adjust(1)
    return builder.as_markup()


def fill_second_questionnaire() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📝 Fill in the second questionnaire"), callback_data=Continue(form=Form.SECOND))
    return builder.as_markup()


def confirm_discard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, discard them"), callback_data=Discard(sure=True))
    builder.button(text=_("No, keep them"), callback_data=Continue(form=Form.FIRST))
    builder.adjust(1)
    return builder.as_markup()


def interview_choices(application: Application, zone: str) -> InlineKeyboardMarkup:
    """One time: confirm it. Several: pick one. Either way, "none suits me" asks for others."""
    interview = application.interview
    assert interview is not None and application.id is not None
    builder = InlineKeyboardBuilder()
    if len(interview.times) == 1:
        builder.button(
            text=_("✅ Confirm"),
            callback_data=InterviewReply(application=application.id, invitation=interview.invitation_no, choice=0),
        )
    else:
        for index, moment in enumerate(interview.times):
            builder.button(
                text=moment_label(moment, zone),
                callback_data=InterviewReply(application=application.id, invitation=interview.invitation_no, choice=index),
            )
    builder.button(
        text=_("🕓 I need another time"),
        callback_data=InterviewReply(application=application.id, invitation=interview.invitation_no, choice=OTHER_TIME),
    )
    builder.adjust(1)
    return builder.as_markup()


def open_application(application_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📂 Open the application"), callback_data=Review(action=ReviewAction.OPEN, application=application_id))
    return builder.as_markup()


def decisions(application: Application) -> InlineKeyboardMarkup:
    """What an admin can do at the application's step."""
    assert application.id is not None
    number = application.id
    builder = InlineKeyboardBuilder()
    step = application.step
    if step in {Step.SUBMITTED, Step.INTERVIEW_INVITED}:
        label = _("📅 Invite to an interview") if step is Step.SUBMITTED else _("📅 Send a new invitation")
        builder.button(text=label, callback_data=Review(action=ReviewAction.INVITE, application=number))
    if step is Step.INTERVIEW_SCHEDULED:
        builder.button(text=_("✅ Interview held: send the second questionnaire"), callback_data=Review(action=ReviewAction.HELD, application=number))
        builder.button(text=_("📅 Change the interview time"), callback_data=Review(action=ReviewAction.INVITE, application=number))
    if application.second_answers.get("education_documents") or application.second_answers.get("photo"):
        builder.button(text=_("📎 Show the documents"), callback_data=Review(action=ReviewAction.DOCS, application=number))
    if step is Step.SECOND_SUBMITTED:
        builder.button(text=_("👍 Approve: create the profile"), callback_data=Review(action=ReviewAction.APPROVE, application=number))
    if step is Step.APPROVED:
        builder.button(text=_("🚀 Publish the profile"), callback_data=Review(action=ReviewAction.PUBLISH, application=number))
    if step not in {Step.PUBLISHED, Step.DECLINED, Step.FIRST_DRAFT}:
        builder.button(text=_("✖️ Decline"), callback_data=Review(action=ReviewAction.DECLINE, application=number))
    builder.button(text=_("⬅️ To the queue"), callback_data=Review(action=ReviewAction.QUEUE))
    builder.adjust(1)
    return builder.as_markup()


def queue_buttons(applications: Sequence[Application], now: datetime, limit: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for application in applications[:limit]:
        assert application.id is not None
        days = max((now - application.updated_at).days, 0)
        builder.button(
            text=_("#{number} {name} · {days} d").format(number=application.id, name=application.display_name[:40], days=days),
            callback_data=Review(action=ReviewAction.OPEN, application=application.id),
        )
    builder.adjust(1)
    return builder.as_markup()


def invitation_times_done() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("➡️ That's all: on to the link"), callback_data=InvitationStep(action=StepAction.DONE))
    builder.button(text=_("✖️ Cancel"), callback_data=InvitationStep(action=StepAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def invitation_cancel() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✖️ Cancel"), callback_data=InvitationStep(action=StepAction.CANCEL))
    return builder.as_markup()


def invitation_confirm() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📨 Send the invitation"), callback_data=InvitationStep(action=StepAction.SEND))
    builder.button(text=_("✖️ Cancel"), callback_data=InvitationStep(action=StepAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def decline_confirm() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📨 Send this answer"), callback_data=DeclineStep(action=StepAction.SEND))
    builder.button(text=_("✖️ Cancel"), callback_data=DeclineStep(action=StepAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()
