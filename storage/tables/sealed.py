"""Columns whose values are sealed at rest (storage/encryption.py): what a client or applicant confides.

A sealed column stores text only its engine's keys open, and the database can tell of it no more than
whether it is empty: comparing it in SQL (`==`, `LIKE`, `IN`, ordering) raises when the query is built,
so no search, filter, figure or payout can come to need these fields decrypted in SQL. `IS NULL` stays.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement

from storage.encryption import ring_of

_ALLOWED = (operators.is_, operators.is_not)


class SealedComparison(TypeError):
    """A query compared a sealed field: the database only ever holds its ciphertext."""


class _Opaque(TypeDecorator.Comparator[Any]):
    __slots__ = ()

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> ColumnElement[Any]:
        if op in _ALLOWED:
            return super().operate(op, *other, **kwargs)
        raise SealedComparison(f"{self.expr} is sealed: SQL can only tell whether it is NULL")

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> ColumnElement[Any]:
        raise SealedComparison(f"{self.expr} is sealed: SQL can only tell whether it is NULL")


class SealedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else ring_of(dialect).seal(value.encode("utf-8"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else ring_of(dialect).open(value).decode("utf-8")


class SealedJSON(TypeDecorator[Any]):
    """A JSON document (a questionnaire's answers, an update), sealed whole."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return ring_of(dialect).seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(ring_of(dialect).open(value))
