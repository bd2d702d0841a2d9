"""Every string a person reads has a Ukrainian translation with the same placeholders."""
import re

from babel.messages.pofile import read_po

from bot.i18n import catalogue_parts, merge_parts, missing_translations

PLACEHOLDER = re.compile(r"{(\w*)}")


def test_every_message_in_the_code_is_translated_to_ukrainian():
    missing = missing_translations("uk")
    assert not missing, "untranslated (run `make missing-translations`):\n" + "\n".join(
        f"{places[0]}: {message!r}" for message, places in missing.items()
    )


def test_translations_keep_the_placeholders_of_their_message():
    catalogue = merge_parts("uk", catalogue_parts("uk"))
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | {"count"}, (message.id, string)
            assert wanted - {"count"} <= set(PLACEHOLDER.findall(string)), (message.id, string)


def test_ukrainian_parts_declare_three_plural_forms():
    for part in catalogue_parts("uk"):
        with part.open("rb") as file:
            assert read_po(file, locale="uk").num_plurals == 3, part
