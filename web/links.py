"""Links out of the pages into the bot: each opens the chat at the step the visitor chose.

The bot reads the same payloads: `t_<code>` opens a profile, `b_<code>_<unix>` opens booking at that
start (or the profile if it was taken meanwhile), `apply` and `ref_<code>` begin an application.
Telegram allows 64 characters of [A-Za-z0-9_-] in a start parameter; a share code is at most 32.
"""
from __future__ import annotations

import re
from datetime import datetime

REFERRAL_CODE = re.compile(r"^[a-z0-9]{4,16}$")


def landing_path(share_code: str) -> str:
    """The therapist's own page on the web (PUBLIC_BASE_URL in front makes it absolute)."""
    return f"/t/{share_code}"


def bot_link(username: str, payload: str) -> str:
    return f"https://t.me/{username}?start={payload}"


def profile_link(username: str, share_code: str) -> str:
    return bot_link(username, f"t_{share_code}")


def booking_link(username: str, share_code: str, start: datetime) -> str:
    return bot_link(username, f"b_{share_code}_{int(start.timestamp())}")


def apply_link(username: str, referral: str | None) -> str:
    """With a colleague's referral code (as the cabinet hands it out) the application remembers who sent them."""
    if referral and REFERRAL_CODE.match(referral):
        return bot_link(username, f"ref_{referral}")
    return bot_link(username, "apply")
