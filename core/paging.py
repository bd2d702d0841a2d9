"""A long list shown a page at a time, with a version that tells a stale page from the current one.

A page button carries the list's version: pressed after the list has changed (an item added, settled
or gone), it is answered with the list as it stands, not with a page of something that is no more.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # from 0
    pages: int  # at least 1, even for an empty list
    found: int  # on every page
    version: str  # of the whole list: changes whenever an item comes or goes


def page_of(items: Sequence[T], number: int, per_page: int, key: Callable[[T], object]) -> Page[T]:
    """Page `number` of `items`; a number out of range (stale or forged) is the nearest page there is."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(number, 0), pages - 1)
    return Page(
        items=list(items[number * per_page : (number + 1) * per_page]),
        number=number,
        pages=pages,
        found=len(items),
        version=list_version(key(item) for item in items),
    )


def list_version(keys: Iterable[object]) -> str:
    """Eight hex digits naming the list's members in order (fits a button's 64 bytes of data)."""
    joined = ",".join(str(key) for key in keys)
    return f"{zlib.crc32(joined.encode()):08x}"
