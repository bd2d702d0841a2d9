"""The platform's staff: who may do what in the admin console.

A person's Telegram account is a client, applicant or therapist (core/users.py);
on top of that a full admin may give them staff roles. Every admin capability
is a permission, and each role holds a fixed set of them. Full admins (from
the settings) hold every permission and alone grant and revoke roles.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class StaffRole(StrEnum):
    COMMUNITY_MANAGER = "community_manager"
    SUPPORT = "support"
    ETHICS = "ethics"  # the ethics commission
    FINANCE = "finance"


class Permission(StrEnum):
    REVIEW_APPLICATIONS = "review_applications"
    ANSWER_SUPPORT = "answer_support"
    SEE_REFUNDS = "see_refunds"
    DECIDE_REFUNDS = "decide_refunds"
    MARK_PAYOUTS = "mark_payouts"
    SEE_STATS = "see_stats"
    BROADCAST = "broadcast"
    MANAGE_THERAPISTS = "manage_therapists"
    MANAGE_TESTIMONIALS = "manage_testimonials"
    # Held by full admins only: they are the ones answerable for the platform.
    MANAGE_STAFF = "manage_staff"
    AUDIT = "audit"
    WATCH_DELIVERY = "watch_delivery"


ROLE_PERMISSIONS: Mapping[StaffRole, frozenset[Permission]] = {
    StaffRole.COMMUNITY_MANAGER: frozenset(
        {
            Permission.REVIEW_APPLICATIONS,
            Permission.SEE_STATS,
            Permission.BROADCAST,
            Permission.MANAGE_THERAPISTS,
            Permission.MANAGE_TESTIMONIALS,
        }
    ),
    # Support hears about refund requests first, so it sees them; the commission decides.
    StaffRole.SUPPORT: frozenset({Permission.ANSWER_SUPPORT, Permission.SEE_REFUNDS}),
    StaffRole.ETHICS: frozenset({Permission.SEE_REFUNDS, Permission.DECIDE_REFUNDS}),
    StaffRole.FINANCE: frozenset({Permission.MARK_PAYOUTS}),
}


@dataclass(frozen=True)
class Authority:
    """What one person may do in the console."""

    telegram_id: int
    roles: frozenset[StaffRole] = frozenset()
    full_admin: bool = False

    @property
    def is_staff(self) -> bool:
        return self.full_admin or bool(self.roles)

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.full_admin:
            return frozenset(Permission)
        held: set[Permission] = set()
        for role in self.roles:
            held |= ROLE_PERMISSIONS[role]
        return frozenset(held)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class StaffGrant:
    telegram_id: int
    role: StaffRole
    granted_by: int
    granted_at: datetime


class StaffRepository(Protocol):
    async def roles_of(self, telegram_id: int) -> frozenset[StaffRole]: ...

    async def grants(self) -> list[StaffGrant]:
        """Every role held by anyone, oldest first."""

    async def add(self, grant: StaffGrant) -> bool:
        """False when the person already holds the role."""

    async def remove(self, telegram_id: int, role: StaffRole) -> bool:
        """False when the person did not hold the role."""

    async def holders(self, role: StaffRole) -> list[int]: ...
