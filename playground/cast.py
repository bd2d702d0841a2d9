"""Who plays in the demo: one chat each, side by side on the page.

The therapist is one of the demo therapists (`python -m bot demo-data`), by
their id, so the bot knows her as a therapist and her side can be played.
The others are newcomers; the admin is the bot's ADMIN_IDS.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    key: str
    telegram_id: int
    first_name: str
    language_code: str
    city: str
    zone: str  # where the person lives: the page shows message times in it
    role: str  # a label key on the page: client | therapist | applicant | admin


KYIV_CLIENT = Persona("kyiv", 7_100_001, "Олена", "uk", "Київ", "Europe/Kyiv", "client")
NEW_YORK_CLIENT = Persona("newyork", 7_100_002, "Emily", "en", "New York", "America/New_York", "client")
THERAPIST = Persona("therapist", -9_000_001, "Ірина", "uk", "Київ", "Europe/Kyiv", "therapist")  # Ірина Коваленко in demo data
APPLICANT = Persona("applicant", 7_100_003, "Марко", "uk", "Львів", "Europe/Kyiv", "applicant")
ADMIN = Persona("admin", 7_100_009, "Ніна", "uk", "Київ", "Europe/Kyiv", "admin")

CAST = (KYIV_CLIENT, THERAPIST, NEW_YORK_CLIENT, APPLICANT, ADMIN)
