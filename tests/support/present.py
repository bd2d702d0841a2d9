"""A value a test counts on being there, inside an expression (a comprehension has no room for an assert)."""
from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    """The value itself; None fails the test here rather than as an AttributeError further on."""
    assert value is not None
    return value
