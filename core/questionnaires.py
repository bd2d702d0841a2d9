"""The two questionnaires of vetting: their questions, what a valid answer is, and moving through them.

Answers are plain JSON-able values kept on the application, so a draft saved
on every step can be resumed exactly where it stopped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.applications import SUMMARY, Application, Form
from core.therapists import APPROACHES, LANGUAGES, TOPICS

EDUCATION_FIELDS = ("psychological", "pedagogical", "medical", "sociological", "other", "none")
DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
MAX_FILES_PER_QUESTION = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
WHOLE_NUMBER = re.compile(r"^\d{1,6}$")
CURRENCY_WORDS = re.compile(r"(грн\.?|uah|₴|hrn)", re.IGNORECASE)


class Kind(StrEnum):
    TEXT = "text"
    EMAIL = "email"  # optional: Telegram is enough to reach the applicant
    ZONE = "zone"
    NUMBER = "number"
    MONEY = "money"  # whole hryvnias typed, kopiyky stored
    YES_NO = "yes_no"
    CHOICE = "choice"
    CHOICE_OR_TEXT = "choice_or_text"  # a button, or one's own words
    MULTI = "multi"
    FILES = "files"
    PHOTO = "photo"


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    low: int = 0  # length, number or amount limits, by kind
    high: int = 0
    options: tuple[str, ...] = ()
    optional: bool = False  # may be skipped (the profile's texts in English)

    @property
    def typed(self) -> bool:
        """Whether a typed message can answer it."""
        return self.kind in {Kind.TEXT, Kind.EMAIL, Kind.ZONE, Kind.NUMBER, Kind.MONEY, Kind.CHOICE_OR_TEXT}


FIRST_QUESTIONS = (
    Question("name", Kind.TEXT, 2, 100),
    Question("email", Kind.EMAIL, 0, 254),
    Question("country", Kind.TEXT, 2, 64),
    Question("city", Kind.TEXT, 1, 64),
    Question("timezone", Kind.ZONE),
    Question("education", Kind.CHOICE, options=EDUCATION_FIELDS),
    Question("practice_years", Kind.NUMBER, 0, 60),
    Question("private_practice", Kind.YES_NO),
    Question("supervision", Kind.YES_NO),
    Question("approach", Kind.CHOICE_OR_TEXT, 2, 100, APPROACHES),
    Question("certified_hours", Kind.NUMBER, 0, 20_000),
    Question("payout", Kind.YES_NO),
    Question("fop", Kind.YES_NO),
    Question("languages", Kind.MULTI, options=LANGUAGES),
    Question("topics", Kind.MULTI, options=TOPICS),
)
SECOND_QUESTIONS = (
    Question("education_documents", Kind.FILES),
    Question("certificates", Kind.FILES),
    Question("education", Kind.TEXT, 10, 500),
    Question("experience", Kind.TEXT, 100, 3000),
    Question("about", Kind.TEXT, 150, 1500),
    Question("photo", Kind.PHOTO),
    Question("price", Kind.MONEY, 100, 20_000),
    Question("topics", Kind.MULTI, options=TOPICS),
    Question("approaches", Kind.MULTI, options=APPROACHES),
    # The public texts in English too, for clients who read English: each may be skipped.
    Question("name_en", Kind.TEXT, 2, 100, optional=True),
    Question("education_en", Kind.TEXT, 10, 500, optional=True),
    Question("about_en", Kind.TEXT, 150, 1500, optional=True),
)
QUESTIONS = {Form.FIRST: FIRST_QUESTIONS, Form.SECOND: SECOND_QUESTIONS}


class InvalidAnswer(ValueError):
    """Why an answer cannot be taken; `details` fill the message shown to the person."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


class StalePosition(ValueError):
    """A button of a question other than the one the draft stands at."""


@dataclass(frozen=True)
class UploadedFile:
    file_id: str
    unique_id: str
    kind: str  # "photo" (Telegram re-encodes these to JPEG) or "document"
    mime: str | None = None
    size: int | None = None
    name: str | None = None

    def as_answer(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id, "unique_id": self.unique_id, "kind": self.kind,
            "mime": self.mime, "size": self.size, "name": self.name,
        }


def question(form: Form, key: str) -> Question:
    for candidate in QUESTIONS[form]:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def is_answered(q: Question, answers: dict[str, Any]) -> bool:
    if q.key not in answers:
        return False
    if q.kind in {Kind.MULTI, Kind.FILES}:
        return bool(answers[q.key])
    return True


def unanswered(form: Form, answers: dict[str, Any]) -> list[str]:
    return [q.key for q in QUESTIONS[form] if not is_answered(q, answers)]


# -- what a valid answer is ---------------------------------------------------

def parse_typed(q: Question, text: str) -> Any:
    """The value of a typed answer, or InvalidAnswer saying why not."""
    text = text.strip()
    if q.kind is Kind.TEXT or q.kind is Kind.CHOICE_OR_TEXT:
        return _text(q, text)
    if q.kind is Kind.EMAIL:
        if len(text) > q.high or not EMAIL.match(text):
            raise InvalidAnswer("not_an_email")
        return text
    if q.kind is Kind.NUMBER:
        return _whole_number(q, text)
    if q.kind is Kind.MONEY:
        return _whole_number(q, CURRENCY_WORDS.sub("", text).replace(" ", "").replace("\u00a0", "")) * 100
    raise InvalidAnswer("use_buttons")


def parse_option(q: Question, code: str) -> Any:
    if q.kind is Kind.YES_NO and code in {"yes", "no"}:
        return code == "yes"
    if q.kind is Kind.ZONE:
        return zone(code)
    if q.kind in {Kind.CHOICE, Kind.CHOICE_OR_TEXT, Kind.MULTI} and code in q.options:
        return code
    raise InvalidAnswer("unknown_option")


def zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidAnswer("unknown_zone") from error
    return name


def check_file(q: Question, file: UploadedFile, already: int, max_bytes: int) -> None:
    if q.kind is Kind.PHOTO and file.kind != "photo":
        raise InvalidAnswer("not_a_photo")
    if file.kind == "document" and file.mime not in DOCUMENT_TYPES:
        raise InvalidAnswer("wrong_file_type", name=file.name or "", mime=file.mime or "")
    if file.size is not None and file.size > max_bytes:
        raise InvalidAnswer("file_too_large", size_mb=_megabytes(file.size), limit_mb=_megabytes(max_bytes))
    if already >= MAX_FILES_PER_QUESTION:
        raise InvalidAnswer("too_many_files", limit=MAX_FILES_PER_QUESTION)


def _text(q: Question, text: str) -> str:
    if len(text) < q.low:
        raise InvalidAnswer("too_short", low=q.low, length=len(text))
    if len(text) > q.high:
        raise InvalidAnswer("too_long", high=q.high, length=len(text))
    if not any(char.isalpha() for char in text):
        raise InvalidAnswer("no_letters")
    return text


def _whole_number(q: Question, text: str) -> int:
    if not WHOLE_NUMBER.match(text):
        raise InvalidAnswer("not_a_number", low=q.low, high=q.high)
    value = int(text)
    if not q.low <= value <= q.high:
        raise InvalidAnswer("out_of_range", low=q.low, high=q.high)
    return value


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


# -- moving through a draft ---------------------------------------------------

def begin(application: Application, form: Form) -> None:
    application.position = QUESTIONS[form][0].key
    application.editing = False


def expect(application: Application, key: str) -> None:
    """Refuse a button of another question than the current one."""
    if application.position != key:
        raise StalePosition(key)


def answer(application: Application, form: Form, key: str, value: Any) -> None:
    expect(application, key)
    application.answers(form)[key] = value
    advance(application, form)


def advance(application: Application, form: Form) -> None:
    """After an answer: back to the summary when editing, else the next question.

    Past the last question, a question still unanswered comes before the summary.
    """
    if application.editing:
        application.position, application.editing = SUMMARY, False
        return
    keys = [q.key for q in QUESTIONS[form]]
    index = keys.index(application.position) + 1
    while index < len(keys) and _known_before(QUESTIONS[form][index], application.answers(form)):
        index += 1
    if index < len(keys):
        application.position = keys[index]
        return
    application.position = (unanswered(form, application.answers(form)) or [SUMMARY])[0]


def _known_before(q: Question, answers: dict[str, Any]) -> bool:
    """A time zone the person already chose in the bot (at /start, in the settings) is not asked again.

    It is in the answers all the same: shown in the summary, changed there or with "Back".
    """
    return q.kind is Kind.ZONE and q.key in answers


def back(application: Application, form: Form) -> None:
    keys = [q.key for q in QUESTIONS[form]]
    if application.editing:
        application.position, application.editing = SUMMARY, False
    elif application.position == SUMMARY:
        application.position = keys[-1]
    elif application.position in keys and keys.index(application.position) > 0:
        application.position = keys[keys.index(application.position) - 1]


def edit(application: Application, form: Form, key: str) -> None:
    expect(application, SUMMARY)
    question(form, key)
    application.position, application.editing = key, True
