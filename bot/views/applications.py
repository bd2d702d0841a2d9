"""How an application reads: its step, answers and requirement check, for the applicant and for admins."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.views.lengths import clip
from bot.views.presenting import local_day, local_moment, money, zone_city
from bot.views.therapist_labels import APPROACHES, LANGUAGES, TOPICS
from core.applications import Application, ApplicationNotFound, Form, Step, WrongStep
from core.platform_rules import LIVE_FEWEST_DAYS, LIVE_MOST_DAYS
from core.questionnaires import FIRST_QUESTIONS, SECOND_QUESTIONS, Kind, unanswered
from core.rules.requirements import (
    MIN_CERTIFIED_HOURS,
    MIN_PRACTICE_YEARS,
    Requirement,
    Shortfall,
    Verdict,
    all_met,
    check_requirements,
)
from core.usecases.vetting import goes_live_between

STEPS = {
    Step.FIRST_DRAFT: __("filling in the first questionnaire"),
    Step.SUBMITTED: __("first questionnaire sent, waiting for review"),
    Step.INTERVIEW_INVITED: __("invited to an interview, the time is not confirmed yet"),
    Step.INTERVIEW_SCHEDULED: __("interview scheduled"),
    Step.INTERVIEW_HELD: __("interview held, second questionnaire sent"),
    Step.SECOND_DRAFT: __("filling in the second questionnaire"),
    Step.SECOND_SUBMITTED: __("second questionnaire sent, waiting for approval"),
    Step.APPROVED: __("approved, the profile is being prepared"),
    Step.PUBLISHED: __("published"),
    Step.DECLINED: __("declined"),
}

TITLES = {
    Form.FIRST: {
        "name": __("Name"),
        "email": __("E-mail"),
        "country": __("Country"),
        "city": __("City"),
        "timezone": __("Time zone"),
        "education": __("Higher education"),
        "practice_years": __("Years of practice"),
        "private_practice": __("Private practice"),
        "supervision": __("Supervision"),
        "approach": __("Approach"),
        "certified_hours": __("Certified hours"),
        "payout": __("Payouts in your country"),
        "fop": __("Ukrainian sole proprietor (FOP), group 3"),
        "languages": __("Languages"),
        "topics": __("Topics"),
    },
    Form.SECOND: {
        "education_documents": __("Education documents"),
        "certificates": __("Certificates"),
        "education": __("Education on the profile"),
        "experience": __("Experience"),
        "about": __("Profile text"),
        "photo": __("Photo"),
        "price": __("Price per session"),
        "topics": __("Topics on the profile"),
        "approaches": __("Approaches on the profile"),
        "name_en": __("Name in English"),
        "education_en": __("Education in English"),
        "about_en": __("Profile text in English"),
    },
}

EDUCATION = {
    "psychological": __("psychological"),
    "pedagogical": __("pedagogical"),
    "medical": __("medical"),
    "sociological": __("sociological"),
    "other": __("another field"),
    "none": __("no higher education"),
}

REQUIREMENTS = {
    Requirement.EDUCATION: __("Higher education"),
    Requirement.EXPERIENCE: __("Practice"),
    Requirement.PRACTICE: __("Private practice and supervision"),
    Requirement.CERTIFICATION: __("Certification"),
    Requirement.PAYOUTS: __("Payouts"),
    Requirement.LEGAL_FORM: __("Ukrainian sole proprietor (FOP), group 3"),
}


def title(form: Form, key: str) -> str:
    return str(TITLES[form][key])


def step_name(step: Step) -> str:
    return str(STEPS[step])


def moved_on(error: WrongStep | ApplicationNotFound) -> str:
    """A reviewer's button on an application that is gone, or has moved on since the button was sent."""
    if isinstance(error, WrongStep):
        return _("This application has moved on: it is now “{step}”. The button is out of date.").format(
            step=step_name(error.step)
        )
    return _("There is no such application.")


def option_label(form: Form, key: str, code: str) -> str:
    if key == "education":
        return str(EDUCATION.get(code, code))
    if key in {"approach", "approaches"}:
        return str(APPROACHES.get(code, code))
    if key == "languages":
        return str(LANGUAGES.get(code, code))
    if key == "topics":
        return str(TOPICS.get(code, code))
    if code in {"yes", "no"}:
        return _("Yes") if code == "yes" else _("No")
    return code


def answer_text(form: Form, key: str, value: Any) -> str:
    """One answer as the applicant and admins read it."""
    kind = next(q.kind for q in (FIRST_QUESTIONS if form is Form.FIRST else SECOND_QUESTIONS) if q.key == key)
    if value is None:
        return _("— (Telegram is enough)") if kind is Kind.EMAIL else "—"
    if kind is Kind.YES_NO:
        return _("Yes") if value else _("No")
    if kind is Kind.MULTI:
        return ", ".join(option_label(form, key, code) for code in value) if value else "—"
    if kind is Kind.FILES:
        return ngettext("{count} file", "{count} files", len(value)).format(count=len(value))
    if kind is Kind.PHOTO:
        return _("✓ sent")
    if kind is Kind.MONEY:
        return money(value)
    if kind in {Kind.CHOICE, Kind.CHOICE_OR_TEXT}:
        return option_label(form, key, value)
    if kind is Kind.ZONE:
        return zone_city(value)  # «Київ», not Europe/Kyiv
    return str(value)


def answers_block(application: Application, form: Form, *, shorten: int | None = None) -> str:
    answers = application.answers(form)
    lines = []
    for question in FIRST_QUESTIONS if form is Form.FIRST else SECOND_QUESTIONS:
        if question.key not in answers:
            shown = _("not answered yet")
        else:
            shown = answer_text(form, question.key, answers[question.key])
        if shorten:
            shown = clip(shown, shorten)
        lines.append(f"• {title(form, question.key)}: {shown}")
    return "\n".join(lines)


# -- the requirement check ------------------------------------------------------

def verdict_line(verdict: Verdict) -> str:
    mark = "✅" if verdict.met else "❌"
    return f"{mark} {_verdict_words(verdict)}"


def requirement_check(answers: dict[str, Any]) -> str:
    verdicts = check_requirements(answers)
    lines = [_("Requirements:"), *(verdict_line(verdict) for verdict in verdicts)]
    if all_met(verdicts):
        lines.append(_("All requirements are met."))
    else:
        lines.append(
            _(
                "Not every requirement is met. You can still send the questionnaire: our community manager "
                "decides, but it may be declined for the reasons marked ❌."
            )
        )
    return "\n".join(lines)


def unmet_reasons(answers: dict[str, Any]) -> list[str]:
    return [_verdict_words(verdict) for verdict in check_requirements(answers) if not verdict.met]


def _verdict_words(verdict: Verdict) -> str:
    name = str(REQUIREMENTS[verdict.requirement])
    shortfall = verdict.shortfall
    if shortfall is Shortfall.NOT_ANSWERED:
        return _("{requirement}: not answered yet.").format(requirement=name)
    if verdict.requirement is Requirement.EDUCATION:
        if shortfall is None:
            return _("Higher education: {field}.").format(field=EDUCATION[verdict.value])
        if shortfall is Shortfall.OTHER_FIELD:
            return _("Higher education: your field is not psychological, pedagogical, medical or sociological, which the platform requires.")
        return _("Higher education: psychological, pedagogical, medical or sociological higher education is required.")
    if verdict.requirement is Requirement.EXPERIENCE:
        if shortfall is None:
            return ngettext(
                "Practice: {count} year ({least} or more are needed).",
                "Practice: {count} years ({least} or more are needed).",
                verdict.value,
            ).format(count=verdict.value, least=MIN_PRACTICE_YEARS)
        return ngettext(
            "Practice: {count} year, but at least {least} are needed.",
            "Practice: {count} years, but at least {least} are needed.",
            verdict.value,
        ).format(count=verdict.value, least=MIN_PRACTICE_YEARS)
    if verdict.requirement is Requirement.PRACTICE:
        return {
            None: _("A private practice and regular supervision."),
            Shortfall.NO_PRIVATE_PRACTICE: _("No private practice: a private practice and supervision are both needed."),
            Shortfall.NO_SUPERVISION: _("No supervision: a private practice and supervision are both needed."),
            Shortfall.NEITHER_PRACTICE_NOR_SUPERVISION: _(
                "Neither a private practice nor supervision: both are needed."
            ),
        }[shortfall]
    if verdict.requirement is Requirement.CERTIFICATION:
        if shortfall is None:
            return ngettext(
                "Certification: {count} hour ({least} or more are needed).",
                "Certification: {count} hours ({least} or more are needed).",
                verdict.value,
            ).format(count=verdict.value, least=MIN_CERTIFIED_HOURS)
        return ngettext(
            "Certification: {count} hour, but at least {least} are needed.",
            "Certification: {count} hours, but at least {least} are needed.",
            verdict.value,
        ).format(count=verdict.value, least=MIN_CERTIFIED_HOURS)
    if verdict.requirement is Requirement.PAYOUTS:
        if shortfall is None:
            return _("Payouts: there is a way to receive them in your country.")
        return _("Payouts: no way to receive them in your country, and the platform pays therapists there.")
    if shortfall is None:
        return _("Registered as a Ukrainian sole proprietor (FOP), group 3.")
    return _("Not registered as a Ukrainian sole proprietor (FOP), group 3: the platform works with sole proprietors of group 3.")


# -- where an application stands ------------------------------------------------

def day(d: date, zone: str) -> str:
    return local_day(datetime.combine(d, time(12), tzinfo=ZoneInfo(zone)), zone)


def live_range(application: Application, zone: str) -> tuple[str, str]:
    first, last = goes_live_between(application)
    return day(first, zone), day(last, zone)


def status_text(application: Application | None, zone: str, review_days: int) -> str:
    """Which step, what happens next, how long it usually takes."""
    if application is None:
        return _("You haven't applied yet. To join the platform as a therapist: /apply")
    step = application.step
    waiting = review_time(review_days)
    if step is Step.FIRST_DRAFT:
        total = len(FIRST_QUESTIONS)
        done = total - len(unanswered(Form.FIRST, application.first_answers))
        return _(
            "Your first questionnaire is not sent yet: {done} of {total} questions answered.\n"
            "Next: finish it and send it. It takes about 10 minutes, and your answers are saved as you go."
        ).format(done=done, total=total)
    if step is Step.SUBMITTED:
        return _(
            "Your questionnaire is with our community manager.\n"
            "Next: if your experience fits what our clients need, you will be invited to a short online interview.\n"
            "{waiting}"
        ).format(waiting=waiting)
    interview = application.interview
    if step is Step.INTERVIEW_INVITED:
        return _(
            "You are invited to an online interview. Please confirm a time with the buttons below.\n"
            "Next: the interview itself, about 30–40 minutes, then the second questionnaire."
        )
    if step is Step.INTERVIEW_SCHEDULED and interview is not None and interview.at is not None:
        return _(
            "Your interview: {when}.\nLink: {link}\n"
            "We will remind you a day and an hour before. Next: the second questionnaire, with your documents."
        ).format(when=local_moment(interview.at, zone), link=interview.link)
    if step in {Step.INTERVIEW_HELD, Step.SECOND_DRAFT}:
        total = len(SECOND_QUESTIONS)
        done = total - len(unanswered(Form.SECOND, application.second_answers))
        return _(
            "Thank you for the interview! Next: the second questionnaire with your documents "
            "({done} of {total} answered). It takes about 20 minutes; your answers are saved as you go."
        ).format(done=done, total=total)
    if step is Step.SECOND_SUBMITTED:
        return ngettext(
            "Your documents and profile are with our community manager.\n"
            "Next: approval, then your profile is prepared and goes live within {fewest}–{most} business day.\n"
            "{waiting}",
            "Your documents and profile are with our community manager.\n"
            "Next: approval, then your profile is prepared and goes live within {fewest}–{most} business days.\n"
            "{waiting}",
            LIVE_MOST_DAYS,
        ).format(waiting=waiting, fewest=LIVE_FEWEST_DAYS, most=LIVE_MOST_DAYS)
    if step is Step.APPROVED:
        first, last = live_range(application, zone)
        return ngettext(
            "Your application is approved! Your profile goes live between {first} and {last} "
            "({fewest}–{most} business day).\nNext: an invitation to your therapist cabinet, right here in the chat.",
            "Your application is approved! Your profile goes live between {first} and {last} "
            "({fewest}–{most} business days).\nNext: an invitation to your therapist cabinet, right here in the chat.",
            LIVE_MOST_DAYS,
        ).format(first=first, last=last, fewest=LIVE_FEWEST_DAYS, most=LIVE_MOST_DAYS)
    if step is Step.PUBLISHED:
        return _("Your profile is live and your cabinet is open: press /start to see it.")
    return _(
        "Your application was declined.\n\n{reason}\n\nIf things change, you are welcome to apply again: /apply"
    ).format(reason=application.decline_reason or "")


def review_time(days: int) -> str:
    return ngettext(
        "This usually takes up to {count} business day.", "This usually takes up to {count} business days.", days
    ).format(count=days)


def referral_line(link: str) -> str:
    return _("Know a colleague who would fit? Share this link: {link}").format(link=link)


def polite_decline(reason: str) -> str:
    return _(
        "Thank you for your interest in the platform and for the time you gave to your application. "
        "We have read it carefully, and we can't offer you a place at this time.\n\n{reason}\n\n"
        "If things change, you are welcome to apply again: /apply. We wish you all the best in your practice."
    ).format(reason=reason)


def decline_template(application: Application) -> str:
    """The reason an admin starts from; they may send it as it is or write their own."""
    unmet = unmet_reasons(application.first_answers)
    if unmet:
        return _("The main reason: not every requirement of the platform is met.\n{reasons}").format(
            reasons="\n".join(f"• {reason}" for reason in unmet)
        )
    return _("The main reason: at the moment we are looking for specialists with a different profile of experience.")

