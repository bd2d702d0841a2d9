"""A therapist as clients see them, and the settings of their practice here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.schedule import SessionFormat, Vacation, WorkingHours

# Topics and approaches are codes; the bot shows them translated.
TOPICS = (
    "anxiety", "depression", "relationships", "family", "trauma", "grief",
    "self_esteem", "burnout", "addiction", "eating", "sexuality", "parenting",
)
APPROACHES = ("cbt", "psychodynamic", "gestalt", "existential", "schema", "emdr", "family_systems", "person_centred")
LANGUAGES = ("uk", "en", "pl", "de", "ru")
# Price ranges a client can pick, per 50-minute session, in kopiyky: [low, high).
PRICE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000),
    (100_000, 150_000),
    (150_000, None),
)

DEFAULT_MIN_NOTICE = timedelta(hours=25)


@dataclass
class TherapistProfile:
    telegram_id: int
    full_name: str
    about: str
    education: str
    experience_years: int
    price_minor: int  # per 50-minute session, in kopiyky
    timezone: str
    topics: list[str] = field(default_factory=list)
    approaches: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    photo_file_id: str | None = None
    share_code: str = ""
    verified: bool = False  # published by an admin after vetting
    accepting_clients: bool = True  # the therapist's own pause switch
    hidden: bool = False  # hidden by an admin, or by the therapist during a vacation
    session: SessionFormat = field(default_factory=SessionFormat)
    min_notice: timedelta = DEFAULT_MIN_NOTICE
    hours: list[WorkingHours] = field(default_factory=list)
    vacations: list[Vacation] = field(default_factory=list)
    hide_during_vacation: bool = True
    media_opt_in: bool = False  # videos, podcasts, articles
    published_at: datetime | None = None
    meeting_url: str | None = None  # a standing video room of their own (https); None: a fresh room per session
    # The public texts in English, for clients who read English; None: the Ukrainian one is shown to everyone.
    name_en: str | None = None
    about_en: str | None = None
    education_en: str | None = None

    def name_for(self, language: str) -> str:
        """The name a reader of this language sees: the English one for English readers when given."""
        return self.name_en if language == "en" and self.name_en else self.full_name

    def about_for(self, language: str) -> str:
        return self.about_en if language == "en" and self.about_en else self.about

    def education_for(self, language: str) -> str:
        return self.education_en if language == "en" and self.education_en else self.education

    def listed(self, today_vacation: bool = False) -> bool:
        """Shown in the directory: verified, taking clients, not hidden."""
        if not (self.verified and self.accepting_clients and not self.hidden):
            return False
        return not (today_vacation and self.hide_during_vacation)
