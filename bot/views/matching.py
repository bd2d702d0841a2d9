"""How "Help me choose" reads: the windows a client can meet in, the reasons a therapist fits, a match's card."""
from __future__ import annotations

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from core.rules.matching import Window

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
