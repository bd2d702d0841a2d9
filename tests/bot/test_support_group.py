"""/support with an admin group as the support chat: a forum topic per person, or headed copies in a plain group."""
from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import CopyMessage, CreateForumTopic, GetChat, SendMessage, TelegramMethod
from aiogram.types import ChatFullInfo, ForumTopic

from core.staff import StaffRole
from tests.bot import staff_support
from tests.bot.staff_support import (
    CLIENT,
    REFUSED_TO_OUTSIDERS,
    STAFFER,
    answers_in,
    give,
    group_chat,
    in_group,
    sent,
)
from tests.bot.test_support import header_of, person_writes
from tests.conftest import make_settings
from tests.support.bot_client import Reply
from tests.support.recording_session import RecordingSession

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper

SUPPORT_CHAT = -1001234567890
TOPIC = 77


class SupportGroupSession(RecordingSession):
    """Telegram as seen from an admin group that is a forum (or not): getChat and createForumTopic answered."""

    def __init__(self, *, forum: bool) -> None:
        super().__init__()
        self.forum = forum

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetChat):
            assert isinstance(method.chat_id, int)  # the group's id from the settings
            return ChatFullInfo.model_construct(  # type: ignore[call-arg]  # a partial chat, unvalidated
                id=method.chat_id, type="supergroup", title="Support", is_forum=self.forum
            )
        if isinstance(method, CreateForumTopic):
            return ForumTopic(message_thread_id=TOPIC, name=method.name, icon_color=0x6FB9F0)
        return super()._answer(method)


@pytest.fixture
def session(request) -> RecordingSession:
    return SupportGroupSession(forum=getattr(request, "param", True))


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, support_chat_id=SUPPORT_CHAT)


async def test_a_forum_support_chat_gets_a_topic_per_person_and_staff_answer_inside_it(app, make_client, session):
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    olena, _ = await person_writes(make_client)
    await olena.send("І ще: чи можна перенести сесію?")
    await app.courier.drain()

    forum = group_chat(SUPPORT_CHAT, forum=True)
    topics = [call for call in session.calls if isinstance(call, CreateForumTopic)]
    assert [(call.chat_id, call.name) for call in topics] == [(SUPPORT_CHAT, f"Olena · {CLIENT}")]
    header, _ = header_of(session, SUPPORT_CHAT)
    assert header.message_thread_id == TOPIC
    assert "Усе, що ви напишете в цій темі, отримає ця людина." in header.text
    assert [(copy.message_thread_id, copy.from_chat_id) for copy, _ in sent(session, SUPPORT_CHAT, CopyMessage)] == [
        (TOPIC, CLIENT), (TOPIC, CLIENT)
    ]

    await in_group(taras, forum, "Так, за 24 години й раніше — безкоштовно.", thread=TOPIC, replying_to=TOPIC)
    stranger = await in_group(make_client(5555, "Stranger"), forum, "А я хто?", thread=TOPIC, replying_to=TOPIC)
    await app.courier.drain()

    [(answer, _)] = sent(session, CLIENT, CopyMessage)
    assert (answer.from_chat_id, answer.message_id) == (SUPPORT_CHAT, taras.last_update["message"]["message_id"])
    assert answers_in(stranger) == [REFUSED_TO_OUTSIDERS]

    await taras.click("✅ Закрити звернення #1", in_reply=Reply(*header_of(session, SUPPORT_CHAT)))
    await olena.send("/support")
    await olena.send("Нове питання.")
    await app.courier.drain()
    assert len([call for call in session.calls if isinstance(call, CreateForumTopic)]) == 1  # the same topic again
    assert [call.message_thread_id for call, _ in sent(session, SUPPORT_CHAT, SendMessage) if call.text.startswith("🆘")] == [
        TOPIC, TOPIC
    ]


@pytest.mark.parametrize("session", [False], indirect=True)
async def test_a_plain_group_gets_headed_copies_and_replies_find_the_person(app, make_client, session):
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    await person_writes(make_client)
    await app.courier.drain()

    group = group_chat(SUPPORT_CHAT, forum=False)
    assert not [call for call in session.calls if isinstance(call, CreateForumTopic)]
    header, shown_header = header_of(session, SUPPORT_CHAT)
    assert "Щоб відповісти, дайте відповідь (reply) на повідомлення людини або на це." in header.text
    [(copy, _)] = sent(session, SUPPORT_CHAT, CopyMessage)
    assert copy.reply_parameters.message_id == shown_header.message_id and copy.message_thread_id is None

    chatter = await in_group(taras, group, "Колеги, хто сьогодні чергує?")
    await in_group(taras, group, "Спробуйте іншу картку.", replying_to=shown_header.message_id)
    await app.courier.drain()

    assert chatter == []  # staff's talk among themselves gets no answer from the bot
    [(answer, _)] = sent(session, CLIENT, CopyMessage)
    assert (answer.from_chat_id, answer.reply_parameters) == (SUPPORT_CHAT, None)
