"""Calling a reader by name at the start of a message.

A Ukrainian greeting takes the vocative («Вітаємо, Олено!»); a name that cannot be declined with
confidence (a Latin-script one, say) is left out rather than said in the wrong form.
"""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.views.presenting import addressed


def salutation(name: str) -> str:
    """«Вітаємо, Олено!» / "Hello, Olena!"; «Вітаємо!» when the name cannot be said right."""
    called = addressed(name)
    return _("Hello, {name}!").format(name=called) if called else _("Hello!")
