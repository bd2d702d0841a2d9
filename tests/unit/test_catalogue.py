"""The known traps of the Ukrainian catalogue, each named by its file and message so it can be mended.

- a person's name right after a preposition: Ukrainian would need another case («з Ірина Коваль»),
  so such a sentence is rephrased with the name where the nominative is right (a label, after a
  colon or a dash);
- a number right before a word outside `ngettext`: «2 символів» needs the form the number asks for;
- a translation identical to its English message: it was left untranslated.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import catalogue_parts

# Placeholders that hold a person's name (checked against the code: each is filled with a name).
NAME_PLACEHOLDERS = ("name", "client", "therapist", "person", "author", "applicant", "referrer", "who")
# Placeholders that hold a count of something.
NUMBER_PLACEHOLDERS = (
    "count", "n", "days", "hours", "minutes", "seconds", "years", "total", "least", "limit", "length",
    "pages", "size", "age", "waiting", "pending", "delivered", "unreachable", "sent", "dropped", "failed",
    "done", "times", "changes", "parts", "overdue",
)
PREPOSITIONS = ("з", "із", "зі", "до", "для", "від", "про", "у", "в", "на", "над", "за", "по")
NAME_AFTER_PREPOSITION = re.compile(
    r"(?<![\w-])(" + "|".join(PREPOSITIONS) + r")\s+\{(" + "|".join(NAME_PLACEHOLDERS) + r")\}", re.IGNORECASE
)
# Words after a number that do not change with it: prepositions, conjunctions and unit abbreviations.
NOT_A_NOUN = ("з", "із", "за", "на", "до", "в", "у", "і", "й", "та", "або", "хв", "год", "дн", "с", "мб", "симв")
NUMBER_BEFORE_WORD = re.compile(
    r"\{(" + "|".join(NUMBER_PLACEHOLDERS) + r")\} +(?!(?:" + "|".join(NOT_A_NOUN) + r")\b)([а-яіїєґ’'-]+)",
    re.IGNORECASE,
)
# What reads the same in both languages: brand names, the fixed phrase, codes and placeholders.
SAME_IN_BOTH = {
    "Оплата пройшла успішно",
    "Telegram",
    "Telegram Stars",
    "LiqPay",
    "WayForPay",
    "Fondy",
    "Monobank",
    "Google Meet",
    "Zoom",
    "OK",
    "EMDR",
    "Lifeline Ukraine",
    "«Оплата пройшла успішно»",
    "👤 {name} · id {id}",
}
NOTHING_TO_TRANSLATE = re.compile(r"^(\{\w*\}|[\W\d_]|#|\s)*$")


def _messages():
    for part in catalogue_parts("uk"):
        with part.open("rb") as file:
            for message in read_po(file, locale="uk"):
                if message.id:
                    yield part, message


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _where(part: Path, message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{part.name}: {msgid!r}"


def test_no_name_stands_right_after_a_preposition():
    found = [
        f"{_where(part, message)} → «{match.group(0)}»"
        for part, message in _messages()
        for string in _strings(message)
        for match in NAME_AFTER_PREPOSITION.finditer(string)
    ]
    assert not found, "a name after a preposition needs another case; rephrase so it is nominative:\n" + "\n".join(found)


def test_a_number_before_a_word_goes_through_ngettext():
    found = [
        f"{_where(part, message)} → «{match.group(0)}»"
        for part, message in _messages()
        if not message.pluralizable
        for string in _strings(message)
        for match in NUMBER_BEFORE_WORD.finditer(string)
    ]
    assert not found, "a number with a noun needs ngettext's three forms:\n" + "\n".join(found)


def test_every_translation_differs_from_its_english_message():
    found = [
        _where(part, message)
        for part, message in _messages()
        for string in _strings(message)
        if string
        and string in (message.id if isinstance(message.id, tuple) else (message.id,))
        and string not in SAME_IN_BOTH
        and not NOTHING_TO_TRANSLATE.match(string)
    ]
    assert not found, "left in English (or add a fixed phrase to SAME_IN_BOTH):\n" + "\n".join(found)


@pytest.mark.parametrize("text", ["{count} символів", "щонайменше {n} години"])
def test_the_number_check_catches_a_noun(text):
    assert NUMBER_BEFORE_WORD.search(text)


@pytest.mark.parametrize("text", ["{days} дн.", "{count} з {total}", "{minutes} хв"])
def test_the_number_check_lets_units_and_prepositions_pass(text):
    assert not NUMBER_BEFORE_WORD.search(text)


@pytest.mark.parametrize("text", ["Сесія з {name}", "до {therapist} надіслано", "Запрошення для {name}", "від {client}"])
def test_the_name_check_catches_the_known_traps(text):
    assert NAME_AFTER_PREPOSITION.search(text)


def test_the_name_check_lets_a_label_pass():
    assert not NAME_AFTER_PREPOSITION.search("Сесія — {name}, {price}. Кому: {name}")


def test_english_messages_hold_no_cyrillic_but_the_fixed_phrase():
    cyrillic = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
    found = [
        _where(part, message)
        for part, message in _messages()
        for msgid in (message.id if isinstance(message.id, tuple) else (message.id,))
        if cyrillic.search(msgid.replace("Оплата пройшла успішно", ""))
    ]
    assert not found, "English text with Cyrillic in it:\n" + "\n".join(found)
