"""A therapist's proposed change to their public profile, and an admin's decision on it.

Clients read a profile as the platform vouches for it, so what a therapist
edits in the cabinet waits for a community manager's approval before it shows.
Each change is one field's new value. A newer proposal for the same field
replaces a pending one (the older is withdrawn), so an admin never approves
a value the therapist has already taken back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from core.applications import Form
from core.questionnaires import parse_typed, question
from core.therapists import APPROACHES, TOPICS, TherapistProfile

# The audit log's actions of this topic (core/audit.py).
CHANGE_APPROVED = "profile.change_approved"
CHANGE_REJECTED = "profile.change_rejected"

MAX_NOTE = 1000
MAX_FILE_ID = 255


class ProfileField(StrEnum):
    ABOUT = "about"
    PRICE = "price"
    TOPICS = "topics"
    APPROACHES = "approaches"
    PHOTO = "photo"
    # The public texts in English (the second questionnaire's questions of the same keys).
    NAME_EN = "name_en"
    EDUCATION_EN = "education_en"
    ABOUT_EN = "about_en"


# Typed fields: each obeys the second questionnaire's question of its key.
TYPED = frozenset({ProfileField.ABOUT, ProfileField.PRICE, ProfileField.NAME_EN, ProfileField.EDUCATION_EN, ProfileField.ABOUT_EN})
ENGLISH_TEXTS = (ProfileField.NAME_EN, ProfileField.EDUCATION_EN, ProfileField.ABOUT_EN)


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # replaced by a newer proposal for the same field


class ChangeRefused(Exception):
    """A decision the change's state does not allow; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ProfileChange:
    therapist_id: int
    field: ProfileField
    value: Any  # str for about and photo (a Telegram file id), kopiyky for price, codes for topics and approaches
    proposed_at: datetime
    status: ChangeStatus = ChangeStatus.PENDING
    id: int = 0  # given by storage
    decided_by: int | None = None
    decided_at: datetime | None = None
    note: str | None = None  # the admin's word to the therapist on a rejection

    @property
    def pending(self) -> bool:
        return self.status is ChangeStatus.PENDING

    def approve(self, by: int, now: datetime) -> None:
        self._decide(ChangeStatus.APPROVED, by, now)

    def reject(self, by: int, now: datetime, note: str | None) -> None:
        self._decide(ChangeStatus.REJECTED, by, now)
        self.note = note

    def withdraw(self, now: datetime) -> None:
        if not self.pending:
            raise ChangeRefused("decided")
        self.status, self.decided_at = ChangeStatus.WITHDRAWN, now

    def apply_to(self, profile: TherapistProfile) -> None:
        if self.field is ProfileField.ABOUT:
            profile.about = self.value
        elif self.field is ProfileField.PRICE:
            profile.price_minor = self.value
        elif self.field is ProfileField.TOPICS:
            profile.topics = list(self.value)
        elif self.field is ProfileField.APPROACHES:
            profile.approaches = list(self.value)
        elif self.field is ProfileField.PHOTO:
            profile.photo_file_id = self.value
        elif self.field in ENGLISH_TEXTS:
            setattr(profile, self.field.value, self.value)

    def _decide(self, status: ChangeStatus, by: int, now: datetime) -> None:
        if not self.pending:
            raise ChangeRefused("decided")
        if by == self.therapist_id:
            raise ChangeRefused("own_change")
        self.status, self.decided_by, self.decided_at = status, by, now


def live_value(profile: TherapistProfile, field: ProfileField) -> Any:
    """What the profile shows now for the field, in the form a change holds it."""
    return {
        ProfileField.ABOUT: profile.about,
        ProfileField.PRICE: profile.price_minor,
        ProfileField.TOPICS: list(profile.topics),
        ProfileField.APPROACHES: list(profile.approaches),
        ProfileField.PHOTO: profile.photo_file_id,
        ProfileField.NAME_EN: profile.name_en,
        ProfileField.EDUCATION_EN: profile.education_en,
        ProfileField.ABOUT_EN: profile.about_en,
    }[field]


def typed_value(field: ProfileField, text: str) -> Any:
    """About, price and the English texts are typed; they obey the second questionnaire's rules, whose answers built the profile.

    Raises core.questionnaires.InvalidAnswer saying why a text can't be taken.
    """
    if field not in TYPED:
        raise ValueError(f"{field} is not typed")
    return parse_typed(question(Form.SECOND, field.value), text)


def chosen_codes(field: ProfileField, codes: list[str]) -> list[str]:
    """Topics or approaches picked with buttons: known codes, at least one, in the catalogue's order."""
    known = {ProfileField.TOPICS: TOPICS, ProfileField.APPROACHES: APPROACHES}[field]
    picked = [code for code in known if code in codes]
    if not picked or len(picked) != len(set(codes)):
        raise ValueError("choose at least one known option")
    return picked


def photo_value(file_id: str) -> str:
    if not 0 < len(file_id) <= MAX_FILE_ID:
        raise ValueError("not a usable file id")
    return file_id


class ProfileChangeRepository(Protocol):
    async def add(self, change: ProfileChange) -> None:
        """Store a new change and give it its id."""

    async def save(self, change: ProfileChange) -> None: ...

    async def get(self, change_id: int, *, for_update: bool = False) -> ProfileChange | None: ...

    async def pending(self) -> list[ProfileChange]:
        """Every change waiting for a decision, oldest first."""

    async def of_therapist(self, therapist_id: int) -> list[ProfileChange]:
        """All of one therapist's changes, newest first."""
