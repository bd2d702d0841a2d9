"""How "Help me choose" reads: the windows a client can meet in, the reasons a therapist fits, a match's card."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.views.lengths import MESSAGE_LIMIT, clip
from bot.views.presenting import local_moment, money, zone_label
from bot.views.therapist_labels import APPROACHES, TOPICS, label, therapist_name
from core.rules.matching import SHOWN, Answers, Question, Window
from core.usecases.matching import Match, MatchResult

WINDOW_NAMES = {
    Window.MORNINGS: __("weekday mornings"),
    Window.DAYTIME: __("weekday daytime"),
    Window.EVENINGS: __("weekday evenings"),
    Window.WEEKENDS: __("weekends"),
}


def windows_text(windows: Sequence[Window]) -> str:
    """«weekday evenings, weekends»; any time when none were chosen."""
    if not windows:
        return _("any time")
    return ", ".join(str(WINDOW_NAMES[window]) for window in Window if window in windows)

# The language of the sessions, as a reason a therapist fits.
SESSIONS_IN = {
    "uk": __("sessions in Ukrainian"),
    "en": __("sessions in English"),
    "pl": __("sessions in Polish"),
    "de": __("sessions in German"),
    "ru": __("sessions in Russian"),
}
# The answer that left out the most therapists, as the client would name it.
QUESTION_NAMES = {
    Question.TOPICS: __("what brings you"),
    Question.LANGUAGE: __("the language of the sessions"),
    Question.PRICE: __("the price range"),
    Question.WINDOWS: __("when you can meet"),
    Question.APPROACH: __("the approach"),
}


def opening_text(*, again: bool) -> str:
    lines = [
        _(
            "🧭 Help me choose. Five short questions, each of which you can skip; then I will show three "
            "therapists who fit, say why each of them does, and offer the nearest time that suits you."
        )
    ]
    if again:
        lines.append(_("Ticked: your answers from last time. Change what you like."))
    return "\n".join(lines)


def topics_question() -> str:
    return _("1/5. What brings you? Choose one or more, then press «Next», or skip the question.")


def language_question() -> str:
    return _("2/5. In which language would you like the sessions?")


def price_question() -> str:
    return _("3/5. What price per session suits you?")


def windows_question(zone: str, now: datetime, *, zone_chosen: bool = True) -> str:
    text = _("4/5. When can you meet? Choose one or more. Times are in your zone, {zone}.").format(
        zone=zone_label(zone, now)
    )
    if not zone_chosen:
        text += "\n" + _("Not your zone? Change it with /timezone first.")
    return text


def approach_question() -> str:
    return _(
        "5/5. Is there a therapeutic approach you would like (for example, CBT)? "
        "If you don't know, that's fine: the other answers are enough."
    )


def buttons_expected() -> str:
    return _("Please answer with the buttons below (or skip the question). What you chose so far is kept.")


def stale_round() -> str:
    return _("These buttons are from an earlier round of questions, so nothing changed. Please use the newest message, or start again: /match.")


def reasons(match: Match, answers: Answers) -> str:
    """What of the client's answers the therapist fits, in plain words, joined by « · »."""
    fit, therapist = match.fit, match.therapist
    parts = []
    if fit.topics:
        parts.append(_("works with {topics}").format(topics=", ".join(label(TOPICS, topic).lower() for topic in fit.topics)))
    if Question.LANGUAGE in fit.met and answers.language is not None:
        parts.append(str(SESSIONS_IN[answers.language]))
    if Question.PRICE in fit.met:
        parts.append(_("within your range ({price})").format(price=money(therapist.price_minor)))
    else:
        parts.append(money(therapist.price_minor))
    if Question.APPROACH in fit.met and answers.approach is not None:
        parts.append(_("approach: {approach}").format(approach=label(APPROACHES, answers.approach)))
    if match.free_this_week:
        parts.append(
            ngettext(
                "{count} free time that suits you this week",
                "{count} free times that suit you this week",
                match.free_this_week,
            ).format(count=match.free_this_week)
        )
    return " · ".join(parts)


def results_text(result: MatchResult, zone: str) -> str:
    answers = result.answers
    found = len(result.matches)
    if found >= SHOWN:
        head = _("🧭 Three therapists who fit what you told me:")
    elif found:
        head = ngettext(
            "🧭 Only {count} therapist fits everything you told me:",
            "🧭 Only {count} therapists fit everything you told me:",
            found,
        ).format(count=found)
    else:
        head = _("🧭 Right now no therapist fits everything you told me.")
    lines = [head]
    for number, match in enumerate(result.matches, start=1):
        lines.append("")
        lines.append(f"{number}. {therapist_name(match.therapist)}")
        lines.append(reasons(match, answers))
        lines.append(_("🗓 Nearest time that suits you: {moment}").format(moment=local_moment(match.nearest, zone)))
    why = []
    if result.fewer and result.narrowed_by is not None:
        why.append(
            _("The answer that narrowed it most: {question}. «Change my answers» can widen it.").format(
                question=QUESTION_NAMES[result.narrowed_by]
            )
        )
    if result.fewer and result.full:
        why.append(
            ngettext(
                "{names} fits everything, but has no free time that suits you in the next two weeks.",
                "{names} fit everything, but have no free time that suits you in the next two weeks.",
                len(result.full),
            ).format(names=", ".join(therapist_name(therapist) for therapist in result.full))
        )
    if why:
        lines.extend(("", *why))
    if result.matches:
        lines.append("")
        lines.append(_("One tap on a time starts booking it."))
    return clip("\n".join(lines), MESSAGE_LIMIT)
