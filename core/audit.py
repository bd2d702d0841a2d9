"""The audit log: every staff action on a person's data or money, with who and when.

An entry names people by Telegram id and holds no message contents, so it can
outlive a person's deletion request as the record that the platform acted.
Actions are dotted codes owned by the topic that records them
("staff.role_granted", "support.ticket_closed", ...).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

ROLE_GRANTED = "staff.role_granted"
ROLE_REVOKED = "staff.role_revoked"
TICKET_CLOSED = "support.ticket_closed"
DATA_EXPORTED = "privacy.data_exported"
DATA_ERASED = "privacy.data_erased"


@dataclass(frozen=True)
class AuditEntry:
    actor_id: int
    action: str
    subject_id: int | None
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("an audit entry needs an aware time")
        if not 0 < len(self.action) <= 64:
            raise ValueError("an audit action is 1 to 64 characters")


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...

    async def latest(self, *, limit: int, offset: int = 0, subject_id: int | None = None) -> list[AuditEntry]:
        """Newest first; only entries about `subject_id` when given."""

    async def count(self, *, subject_id: int | None = None) -> int: ...
