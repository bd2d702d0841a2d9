"""Every table that holds something about a person is exported by /mydata and erased on request (a section of
storage/privacy lists it in its `tables`), or declared outside the sections with what becomes of it instead
(storage/privacy: OUTSIDE_SECTIONS). A new table about people with neither fails here.

A table is about people when one of its columns names a person: a foreign key to a person's id (users,
therapists), a name that says so (`client_id`, `author_id`, `chat_id`, ... below), or `info=PERSONAL` (what a
person wrote or entered); and when its rows belong to the rows of such a table (a foreign key to it).
"""
from __future__ import annotations

import re

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.privacy import OUTSIDE_SECTIONS, personal_data
from storage.tables import Base
from storage.tables.base import PERSONAL

PERSON_WORDS = (
    "telegram", "user", "person", "client", "therapist", "applicant", "referrer", "interviewer", "actor",
    "subject", "author", "payer", "recipient", "chat",
)
NAMES_A_PERSON = re.compile(rf"(^|_)({'|'.join(PERSON_WORDS)})_id$")


def names_a_person(column: Column) -> bool:
    return bool(NAMES_A_PERSON.search(column.name)) or bool(column.info.get("personal"))


def about_people(metadata: MetaData) -> set[str]:
    found = {table.name for table in metadata.tables.values() if any(names_a_person(c) for c in table.columns)}
    grown = True
    while grown:  # rows of rows about people, however deep
        belonging = {
            table.name for table in metadata.tables.values()
            if any(key.column.table.name in found for key in table.foreign_keys)
        }
        grown = not belonging <= found
        found |= belonging
    return found


def covered_by_sections() -> dict[str, str]:
    """Table -> the topic of the section that exports and erases it."""
    return {table: section.topic for section in personal_data(AsyncSession()) for table in section.tables}


def test_every_table_about_people_is_exported_and_erased_or_declared_with_its_reason():
    uncovered = about_people(Base.metadata) - covered_by_sections().keys() - OUTSIDE_SECTIONS.keys()
    assert uncovered == set(), (
        f"{sorted(uncovered)} hold something about a person but no section of storage/privacy exports and erases "
        "them: add them to a section's `tables` (and its export and erase), or to OUTSIDE_SECTIONS with the reason"
    )


def test_the_declarations_name_tables_about_people_once():
    about = about_people(Base.metadata)
    listed = [table for section in personal_data(AsyncSession()) for table in section.tables]
    declared = listed + list(OUTSIDE_SECTIONS)
    assert sorted(set(declared) - about) == []  # a renamed or dropped table, or one that names nobody
    assert sorted(table for table in set(declared) if declared.count(table) > 1) == []
    assert all(reason.strip() for reason in OUTSIDE_SECTIONS.values())


def test_a_new_table_that_names_a_person_is_found_however_it_names_them():
    metadata = MetaData()
    Table("users", metadata, Column("telegram_id", BigInteger, primary_key=True))
    Table("notes", metadata, Column("id", Integer, primary_key=True), Column("client_id", BigInteger))
    Table("diary", metadata, Column("id", Integer, primary_key=True), Column("entries", JSON, info=PERSONAL))
    Table("owned", metadata, Column("id", Integer, primary_key=True),
          Column("owner", BigInteger, ForeignKey("users.telegram_id")))
    Table("note_edits", metadata, Column("id", Integer, primary_key=True),
          Column("note", Integer, ForeignKey("notes.id")))
    Table("holidays", metadata, Column("id", Integer, primary_key=True), Column("message_id", BigInteger))

    assert about_people(metadata) == {"users", "notes", "diary", "owned", "note_edits"}
