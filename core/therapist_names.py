"""The English names of topics, approaches and languages: msgids that the bot and the web pages translate.

Kept below both readers so that one catalogue entry serves a chat message and a web page alike.
`N_` only marks a msgid for the catalogue (`make missing-translations` finds it); the reader's layer
translates it when it is shown.
"""
from __future__ import annotations


def N_(message: str) -> str:
    return message


TOPIC_NAMES = {
    "anxiety": N_("Anxiety"),
    "depression": N_("Depression"),
    "relationships": N_("Relationships"),
    "family": N_("Family"),
    "trauma": N_("Trauma"),
    "grief": N_("Grief and loss"),
    "self_esteem": N_("Self-esteem"),
    "burnout": N_("Burnout"),
    "addiction": N_("Addiction"),
    "eating": N_("Eating"),
    "sexuality": N_("Sexuality"),
    "parenting": N_("Parenting"),
}
APPROACH_NAMES = {
    "cbt": N_("CBT"),
    "psychodynamic": N_("Psychodynamic"),
    "gestalt": N_("Gestalt"),
    "existential": N_("Existential"),
    "schema": N_("Schema therapy"),
    "emdr": N_("EMDR"),
    "family_systems": N_("Family systems"),
    "person_centred": N_("Person-centred"),
}
LANGUAGE_NAMES = {
    "uk": N_("Ukrainian"),
    "en": N_("English"),
    "pl": N_("Polish"),
    "de": N_("German"),
    "ru": N_("Russian"),
}
