"""The name a client shows their therapists: short, one line, no links.

A client may hide behind any name they like; what the rule keeps out is what
could be used against the therapist: links and @handles that turn the header
of a relayed message into an advertisement or a lure.
"""
from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

MAX_LENGTH = 40

_LINK = re.compile(
    r"(://|www\.|t\.me\b|telegram\.(me|dog)\b|@\w"
    r"|\b[\w-]+\.(com|net|org|info|biz|io|me|ua|ru|xyz|top|app|dev|link|site|online|shop|ly|gg|cc|co)\b)",
    re.IGNORECASE,
)


_ZERO_WIDTH_JOINER = "\u200d"  # holds emoji such as 👩‍💻 together


def _visible(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] == "Z" or category == "Cc":
        return " "
    # Invisible formatting (right-to-left overrides and the like) could disguise the name.
    if category[0] == "C" and char != _ZERO_WIDTH_JOINER:
        return ""
    return char


class NameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    LINK = "link"


class UnacceptableName(ValueError):
    def __init__(self, problem: NameProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def acceptable_name(raw: str) -> str:
    """The name as it will be shown, or UnacceptableName saying what is wrong with it."""
    name = " ".join("".join(_visible(char) for char in raw).split())
    if not name:
        raise UnacceptableName(NameProblem.EMPTY)
    if len(name) > MAX_LENGTH:
        raise UnacceptableName(NameProblem.TOO_LONG)
    if _LINK.search(name):
        raise UnacceptableName(NameProblem.LINK)
    return name
