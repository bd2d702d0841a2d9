"""The base of every button's callback data: numbers in it are range-checked when it is read.

Callback data comes back from the person's device and can be forged: `pay:99999999999999999999`
would reach the database as a number no id column holds (an OverflowError on SQLite, a DataError
on PostgreSQL) and end in the apology. Read here, such data matches no button, and the last router
answers it as a button that no longer works.
"""
from __future__ import annotations

from typing import Annotated, Any

from aiogram.filters.callback_data import CallbackData
from pydantic import Field, model_validator

# An id column holds 8 bytes (INTEGER on SQLite, BIGINT on PostgreSQL), and so does every number we pack.
SMALLEST, LARGEST = -(2**63), 2**63 - 1
# The id of a table whose key is a 4-byte INTEGER on PostgreSQL (vacations, profile changes, testimonials,
# support tickets): beyond it, asyncpg refuses the number as a query argument.
SmallId = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class ButtonData(CallbackData, prefix="data"):
    @model_validator(mode="after")
    def _numbers_fit(self) -> Any:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool) and not SMALLEST <= value <= LARGEST:
                raise ValueError(f"{name} is out of range")
        return self
