"""What vetting tells people on its own: admins of something to review, applicants of decisions, both of the interview.

Each kind looks at the application as it is at send time: a message whose
reason has gone (the application moved on, the invitation was replaced) is
dropped, not sent.
"""
from __future__ import annotations

from datetime import timedelta

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.keyboards.vetting import fill_second_questionnaire, interview_choices, open_application
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, Text
from bot.reviewers import may_review
from bot.views.applications import live_range, polite_decline, step_name
from bot.views.greetings import salutation
from bot.views.presenting import local_moment, zone_label
from core.applications import AWAITING_ADMIN, Application, Step
from core.platform_rules import LIVE_FEWEST_DAYS, LIVE_MOST_DAYS
from core.rules.requirements import Requirement, check_requirements
from core.usecases.vetting import VettingNotice


def notice_kinds() -> dict[str, NoticeKind]:
    return {
        VettingNotice.SUBMITTED: Submitted(),
        VettingNotice.SECOND_SUBMITTED: SecondSubmitted(),
        VettingNotice.UNTOUCHED: Untouched(),
        VettingNotice.INTERVIEW_INVITATION: InterviewInvitation(),
        VettingNotice.INTERVIEW_CONFIRMED: InterviewConfirmed(),
        VettingNotice.OTHER_TIMES_ASKED: OtherTimesAsked(),
        VettingNotice.INTERVIEW_REMINDER: InterviewReminder(),
        VettingNotice.SECOND_QUESTIONNAIRE: SecondQuestionnaire(),
        VettingNotice.APPROVED: Approved(),
        VettingNotice.DECLINED: Declined(),
        VettingNotice.PUBLISHED: Published(),
    }


async def _application(context: NoticeContext, *steps: Step) -> Application | None:
    """The application the message is about, if it still stands at one of these steps."""
    application = await context.uow.applications.get(context.params["application_id"])
    if application is None or application.step not in steps:
        return None
    return application


def _current_invitation(context: NoticeContext, application: Application) -> bool:
    interview = application.interview
    return interview is not None and interview.invitation_no == context.params["invitation_no"]


async def _for_admin(context: NoticeContext, text: str, application: Application) -> list[Outgoing]:
    """Reviewers' notices go to those who still review; they open the application with one tap."""
    if not await may_review(context.recipient, context.uow, context.settings):
        return []
    assert application.id is not None
    return [Text(text, reply_markup=open_application(application.id))]


class Submitted(NoticeKind):
    """To each admin: a first questionnaire came in. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.SUBMITTED)
        if application is None:
            return []
        met = sum(verdict.met for verdict in check_requirements(application.first_answers))
        text = _("📝 A new application, #{number}, from {name}: {met} of {total} requirements met.").format(
            number=application.id, name=application.display_name, met=met, total=len(Requirement)
        )
        return await _for_admin(context, text, application)


class SecondSubmitted(NoticeKind):
    """To each admin: the second questionnaire came in. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.SECOND_SUBMITTED)
        if application is None:
            return []
        text = _("📎 {name} (#{number}) has sent the second questionnaire with documents: it waits for approval.").format(
            number=application.id, name=application.display_name
        )
        return await _for_admin(context, text, application)


class Untouched(NoticeKind):
    """To each admin: nobody acted on an application for the set business days. params: application_id, version."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, *AWAITING_ADMIN)
        if application is None or application.version != context.params["version"]:
            return []
        days = context.settings.vetting_remind_after_business_days
        text = ngettext(
            "⏰ Application #{number} ({name}) has waited {count} business day: {step}.",
            "⏰ Application #{number} ({name}) has waited {count} business days: {step}.",
            days,
        ).format(number=application.id, name=application.display_name, count=days, step=step_name(application.step))
        return await _for_admin(context, text, application)


class InterviewInvitation(NoticeKind):
    """To the applicant: one time to confirm or several to pick from. params: application_id, invitation_no."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.INTERVIEW_INVITED)
        if application is None or not _current_invitation(context, application):
            return []
        interview = application.interview
        assert interview is not None
        zone = context.recipient.timezone
        if len(interview.times) == 1:
            text = _(
                "You are invited to an online interview with our community manager: {when}.\n"
                "Link: {link}\n\nPlease confirm that the time suits you."
            ).format(when=local_moment(interview.times[0], zone), link=interview.link)
        else:
            text = _(
                "You are invited to an online interview with our community manager.\nLink: {link}\n\n"
                "Please pick a time that suits you (shown in your time zone, {zone}):"
            ).format(link=interview.link, zone=zone_label(zone, interview.times[0]))
        return [Text(text, reply_markup=interview_choices(application, zone))]


class InterviewConfirmed(NoticeKind):
    """To the interviewer. params: application_id, invitation_no."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.INTERVIEW_SCHEDULED)
        if application is None or not _current_invitation(context, application):
            return []
        assert application.interview is not None and application.interview.at is not None
        text = _("✅ {name} (#{number}) confirmed the interview: {when}.").format(
            name=application.display_name,
            number=application.id,
            when=local_moment(application.interview.at, context.recipient.timezone),
        )
        return await _for_admin(context, text, application)


class OtherTimesAsked(NoticeKind):
    """To the interviewer. params: application_id, invitation_no."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.INTERVIEW_INVITED)
        if application is None or not _current_invitation(context, application):
            return []
        text = _("🕓 {name} (#{number}) asks for other interview times. Send a new invitation from the application.").format(
            name=application.display_name, number=application.id
        )
        return await _for_admin(context, text, application)


class InterviewReminder(NoticeKind):
    """To the applicant and the interviewer, 24 h and 1 h before. params: application_id, invitation_no, hours."""

    max_lateness = timedelta(minutes=30)  # a reminder after the interview began helps nobody

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.INTERVIEW_SCHEDULED)
        if application is None or not _current_invitation(context, application):
            return []
        interview = application.interview
        assert interview is not None and interview.at is not None
        if interview.at <= context.clock.now():
            return []
        hours = context.params["hours"]
        soon = ngettext("in {count} hour", "in {count} hours", hours).format(count=hours)
        when = local_moment(interview.at, context.recipient.timezone)
        if context.recipient.telegram_id == application.applicant_id:
            text = _("⏰ Your interview with the platform is {soon}: {when}.\nLink: {link}").format(
                soon=soon, when=when, link=interview.link
            )
            return [Text(text)]
        text = _("⏰ Interview with {name} (#{number}) {soon}: {when}.\nLink: {link}").format(
            name=application.display_name, number=application.id, soon=soon, when=when, link=interview.link
        )
        return await _for_admin(context, text, application)


class SecondQuestionnaire(NoticeKind):
    """To the applicant after the interview. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.INTERVIEW_HELD, Step.SECOND_DRAFT)
        if application is None:
            return []
        text = _(
            "Thank you for the conversation! The next step is the second questionnaire: your education documents "
            "and certificates, a fuller account of your experience, and your profile as clients will see it. "
            "It takes about 20 minutes, and you can stop and come back at any time."
        )
        return [Text(text, reply_markup=fill_second_questionnaire())]


class Approved(NoticeKind):
    """To the applicant: approved, and when the profile goes live. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.APPROVED)
        if application is None:
            return []
        first, last = live_range(application, context.recipient.timezone)
        text = ngettext(
            "🎉 Your application is approved! We are preparing your profile: it goes live within {fewest}–{most} "
            "business day, between {first} and {last}. Then your invitation to the therapist cabinet comes here.",
            "🎉 Your application is approved! We are preparing your profile: it goes live within {fewest}–{most} "
            "business days, between {first} and {last}. Then your invitation to the therapist cabinet comes here.",
            LIVE_MOST_DAYS,
        ).format(first=first, last=last, fewest=LIVE_FEWEST_DAYS, most=LIVE_MOST_DAYS)
        return [Text(text)]


class Declined(NoticeKind):
    """To the applicant, with the admin's reason. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.DECLINED)
        if application is None:
            return []
        return [Text(polite_decline(application.decline_reason or ""))]


class Published(NoticeKind):
    """To the new therapist: the cabinet invitation. params: application_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        application = await _application(context, Step.PUBLISHED)
        if application is None:
            return []
        text = salutation(application.display_name) + " " + _(
            "Welcome to the platform: your profile is live, and clients can book sessions with you.\n\n"
            "Your therapist cabinet is open: press /start to see it. Begin with your weekly working hours, "
            "so that clients see free times."
        )
        return [Text(text)]
