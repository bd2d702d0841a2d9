"""The base of every button's callback data: numbers in it are range-checked when it is read.

Callback data comes back from the person's device and can be forged: `pay:99999999999999999999`
would reach the database as a number no id column holds (an OverflowError on SQLite, a DataError
on PostgreSQL) and end in the apology. Read here, such data matches no button, and the last router
answers it as a button that no longer works.
"""
from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from aiogram.filters.callback_data import CallbackData
from pydantic import Field, model_validator

# An id column holds 8 bytes (INTEGER on SQLite, BIGINT on PostgreSQL), and so does every number we pack.
SMALLEST, LARGEST = -(2**63), 2**63 - 1
# The id of a table whose key is a 4-byte INTEGER on PostgreSQL (vacations, profile changes, testimonials,
# support tickets): beyond it, asyncpg refuses the number as a query argument.
SmallId = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class ButtonData(CallbackData, prefix="data"):
    # Fields appended after buttons of this kind were already in people's chats: a button packed before them
    # reads them as their defaults, so an old message's buttons keep working.
    added_later: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def unpack(cls, value: str) -> Self:
        parts = value.split(cls.__separator__)
        names = list(cls.model_fields)
        short = len(names) + 1 - len(parts)
        if 0 < short and set(names[-short:]) <= set(cls.added_later):
            value = cls.__separator__.join([*parts, *(str(cls.model_fields[name].default) for name in names[-short:])])
        return super().unpack(value)

    @model_validator(mode="after")
    def _numbers_fit(self) -> Any:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool) and not SMALLEST <= value <= LARGEST:
                raise ValueError(f"{name} is out of range")
        return self
