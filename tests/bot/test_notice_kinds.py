"""Every kind of timed message core declares has its renderer in bot/notices, and every renderer a kind."""
from __future__ import annotations

import importlib
import pkgutil

import core
from bot.app import notice_kinds
from core.notices import Notice


def topics() -> list[type[Notice]]:
    """Every topic's kinds: the subclasses of Notice, once every module of core is loaded."""
    for module in pkgutil.walk_packages(core.__path__, "core."):
        importlib.import_module(module.name)
    return Notice.__subclasses__()


def declared() -> set[str]:
    return {kind.value for topic in topics() for kind in topic}


def test_every_kind_core_can_emit_has_a_renderer():
    assert declared() - set(notice_kinds()) == set()


def test_every_renderer_renders_a_kind_core_declares():
    assert set(notice_kinds()) - declared() == set()


def test_the_topics_declare_each_kind_once():
    values = [kind.value for topic in topics() for kind in topic]
    assert len(values) == len(set(values)) > 40
