"""People on the platform and the roles they hold."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    APPLICANT = "applicant"
    THERAPIST = "therapist"
    ADMIN = "admin"


# Shown for a person who has not chosen a name yet: their Telegram name never stands in for it.
UNNAMED = "—"

# The menu a person sees is that of their most responsible role.
ROLE_PRECEDENCE = (Role.ADMIN, Role.THERAPIST, Role.APPLICANT, Role.CLIENT)


@dataclass
class User:
    telegram_id: int
    first_name: str
    locale: str
    timezone: str
    created_at: datetime
    display_name: str | None = None
    roles: set[Role] = field(default_factory=set)
    reachable: bool = True
    timezone_chosen: bool = False

    @property
    def shown_name(self) -> str:
        """The name therapists and other people see: only the one the person chose, never their Telegram name."""
        return self.display_name or UNNAMED

    @property
    def staff_name(self) -> str:
        """The name the platform's staff know a person by in admin tools, beside their id."""
        return self.display_name or self.first_name

    def main_role(self, admin_ids: frozenset[int] = frozenset()) -> Role:
        held = set(self.roles)
        if self.telegram_id in admin_ids:
            held.add(Role.ADMIN)
        for role in ROLE_PRECEDENCE:
            if role in held:
                return role
        return Role.CLIENT
