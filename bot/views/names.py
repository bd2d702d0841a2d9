"""The name a client shows their therapists, as it is asked for and refused (core/rules/display_names.py)."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from core.rules.display_names import MAX_LENGTH, NameProblem


def name_rules() -> str:
    return ngettext(
        "Send it (up to {limit} character, no links). Your Telegram account and username are never shown.",
        "Send it (up to {limit} characters, no links). Your Telegram account and username are never shown.",
        MAX_LENGTH,
    ).format(limit=MAX_LENGTH)


def name_refusal(problem: NameProblem) -> str:
    if problem is NameProblem.TOO_LONG:
        return ngettext(
            "That name is too long: up to {limit} character, please.",
            "That name is too long: up to {limit} characters, please.",
            MAX_LENGTH,
        ).format(limit=MAX_LENGTH)
    if problem is NameProblem.LINK:
        return _("A name can't contain links or @usernames. Please send just a name.")
    return _("That name is empty. Please send a name.")
