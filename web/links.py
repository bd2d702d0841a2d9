"""Links out of the pages into the bot: each opens the chat at the step the visitor chose.

The bot reads the same payloads: `t_<code>` opens a profile, `b_<code>_<unix>` opens booking at that
start (or the profile if it was taken meanwhile), `match` begins «Help me choose», `apply` and `ref_<code>`
begin an application.
Telegram allows 64 characters of [A-Za-z0-9_-] in a start parameter; a share code is at most 32.
In the demo there is no Telegram: the same payload opens the demo page's own chat instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

REFERRAL_CODE = re.compile(r"^[a-z0-9]{4,16}$")


def landing_path(share_code: str) -> str:
    """The therapist's own page on the web (PUBLIC_BASE_URL in front makes it absolute)."""
    return f"/t/{share_code}"


@dataclass(frozen=True)
class BotLinks:
    username: str
    demo_page: str | None = None  # the demo page's address: links open its chats, as t.me would open Telegram

    def start(self, payload: str) -> str:
        if self.demo_page is not None:
            return f"{self.demo_page.rstrip('/')}/?{urlencode({'start': payload})}"
        return f"https://t.me/{self.username}?start={payload}"

    def profile(self, share_code: str) -> str:
        return self.start(f"t_{share_code}")

    def booking(self, share_code: str, start: datetime) -> str:
        return self.start(f"b_{share_code}_{int(start.timestamp())}")

    def match(self) -> str:
        """«Help me choose»: five short questions in the chat, then three therapists who fit (bot/flows/matching.py)."""
        return self.start("match")

    def apply(self, referral: str | None) -> str:
        """With a colleague's referral code (as the cabinet hands it out) the application remembers who sent them."""
        if referral and REFERRAL_CODE.match(referral):
            return self.start(f"ref_{referral}")
        return self.start("apply")
