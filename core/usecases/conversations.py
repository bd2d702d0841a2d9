"""The shared chat: opening a conversation, routing a message, relaying it.

A message is never sent from here: it becomes a timed message due now (kind
ChatNotice.RELAY), so relays go out through the one delivery path that respects
Telegram's limits and notices a person who blocked the bot.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.clock import Clock
from core.conversations import Conversation, RelayedMessage, Side
from core.notices import Notice
from core.ports import UnitOfWork
from core.rules.display_names import acceptable_name
from core.usecases.notices import notify
from core.users import Role, User


class ChatNotice(Notice):
    """The chat relay between a client and a therapist: bot/notices/chat.py."""

    RELAY = "relay"
    RELAY_UNDELIVERED = "relay-undelivered"


class NotYourConversation(LookupError):
    """A stale or forged choice: the conversation is not the person's own."""


async def open_conversation(uow: UnitOfWork, client_id: int, therapist_id: int) -> Conversation:
    """The pair's one conversation, opened on first need and found ever after.

    Never commits: the booking request that opens it is saved together with it.
    """
    if client_id == therapist_id:
        raise ValueError("a therapist cannot be their own client")
    if await uow.therapists.get(therapist_id) is None:
        raise LookupError(f"no therapist {therapist_id}")
    return await uow.conversations.open(client_id, therapist_id)


# -- routing -------------------------------------------------------------


@dataclass(frozen=True)
class Deliver:
    conversation: Conversation
    sender_side: Side
    reply_to: int | None = None  # the message in the recipient's chat that this one answers


@dataclass(frozen=True)
class AskWhichConversation:
    conversations: list[ConversationSummary]


class NoRoute(StrEnum):
    NOT_RELAYED = "not_relayed"  # a therapist replied to something that came from no one
    NO_CLIENT_CHOSEN = "no_client_chosen"  # a therapist wrote without replying or choosing a client
    NO_CONVERSATION = "no_conversation"  # a client has no therapist to write to yet


Route = Deliver | AskWhichConversation | NoRoute


async def route_message(uow: UnitOfWork, sender: User, reply_to_message_id: int | None) -> Route:
    """Where a plain message goes; never guesses on a therapist's behalf.

    A reply to a relayed message goes back to its conversation. A therapist's
    other messages go only to the client they chose; a client's go to their
    chosen therapist, their only one, or they are asked.
    """
    if reply_to_message_id is not None:
        replied = await _replied(uow, sender.telegram_id, reply_to_message_id)
        if replied is not None:
            return replied
    therapist = await is_therapist(uow, sender)
    if therapist and reply_to_message_id is not None:
        return NoRoute.NOT_RELAYED
    focus = await uow.conversations.focus_of(sender.telegram_id)
    if focus is not None and (side := focus.side_of(sender.telegram_id)) is not None:
        return Deliver(focus, side)
    if therapist:
        return NoRoute.NO_CLIENT_CHOSEN
    mine = await uow.conversations.of_client(sender.telegram_id)
    if not mine:
        return NoRoute.NO_CONVERSATION
    if len(mine) == 1:
        return Deliver(mine[0], Side.CLIENT)
    return AskWhichConversation([await _summary(uow, c, Side.CLIENT, sender.locale) for c in mine])


async def _replied(uow: UnitOfWork, chat_id: int, message_id: int) -> Deliver | None:
    delivered = await uow.conversations.delivered_as(chat_id, message_id)
    if delivered is not None:
        conversation_id, reply_to = delivered.conversation_id, delivered.origin_message_id
    else:
        # A reply to one's own earlier message continues that conversation too.
        originals = await uow.conversations.originals_of(chat_id, message_id)
        if not originals:
            return None
        copy = next((m for m in originals if not m.header), originals[0])
        conversation_id, reply_to = copy.conversation_id, copy.delivered_message_id
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or (side := conversation.side_of(chat_id)) is None:
        return None
    return Deliver(conversation, side, reply_to)


async def is_therapist(uow: UnitOfWork, user: User) -> bool:
    return Role.THERAPIST in user.roles and await uow.therapists.get(user.telegram_id) is not None


# -- relaying ------------------------------------------------------------


def relay_key(chat_id: int, message_id: int) -> str:
    """One relay per original message, however often Telegram re-sends the update."""
    return f"relay:{chat_id}:{message_id}"


async def relay(uow: UnitOfWork, clock: Clock, route: Deliver, *, sender_id: int, message_id: int) -> None:
    conversation = route.conversation
    await notify(
        uow,
        clock,
        kind=ChatNotice.RELAY,
        recipient_id=conversation.other_party(sender_id),
        key=relay_key(sender_id, message_id),
        from_chat_id=sender_id,
        message_id=message_id,
        conversation_id=conversation.id,
        sender_role=route.sender_side.value,
        reply_to=route.reply_to,
    )
    await uow.conversations.touch(conversation.id, clock.now())
    await uow.commit()


async def relay_held(
    uow: UnitOfWork, clock: Clock, sender: User, conversation_id: int, *, message_id: int, reply_to: int | None
) -> ConversationSummary:
    """Send a message that waited for the client to choose their name."""
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or (side := conversation.side_of(sender.telegram_id)) is None:
        raise NotYourConversation(conversation_id)
    await relay(uow, clock, Deliver(conversation, side, reply_to), sender_id=sender.telegram_id, message_id=message_id)
    return await _summary(uow, conversation, side, sender.locale)


async def was_relayed(uow: UnitOfWork, chat_id: int, message_id: int) -> bool:
    return bool(await uow.conversations.originals_of(chat_id, message_id))


async def partner_in(uow: UnitOfWork, conversation_id: int, reader: User) -> ConversationSummary | None:
    """The conversation as its reader sees it (who is on the other side), at send time.

    None when the reader is not part of it: such a message has no reason to go out.
    """
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or (side := conversation.side_of(reader.telegram_id)) is None:
        return None
    return await _summary(uow, conversation, side, reader.locale)


async def remember_delivery(uow: UnitOfWork, delivered: list[RelayedMessage]) -> None:
    """Where the copies landed, so replies to them route back. Joins the delivery's transaction."""
    for message in delivered:
        await uow.conversations.remember_relayed(message)


class Undelivered(StrEnum):
    UNREACHABLE = "unreachable"  # the recipient blocked or stopped the bot
    REFUSED = "refused"  # Telegram would not take it (the original deleted, retries ran out)


async def tell_undelivered(
    uow: UnitOfWork, clock: Clock, *, conversation_id: int, sender_id: int, recipient_id: int, message_id: int
) -> None:
    """The sender learns their message did not reach the other side, and why. Joins the delivery's transaction."""
    recipient = await uow.users.get(recipient_id)
    why = Undelivered.UNREACHABLE if recipient is None or not recipient.reachable else Undelivered.REFUSED
    await notify(
        uow,
        clock,
        kind=ChatNotice.RELAY_UNDELIVERED,
        recipient_id=sender_id,
        key=f"relay-undelivered:{sender_id}:{message_id}",
        conversation_id=conversation_id,
        message_id=message_id,
        why=why.value,
    )


# -- choosing whom to write to ------------------------------------------------


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    my_side: Side
    partner_name: str


async def conversations_of(uow: UnitOfWork, user: User) -> list[ConversationSummary]:
    """A person's conversations, most recently active first, on whichever side they are."""
    as_therapist = await uow.conversations.of_therapist(user.telegram_id)
    as_client = await uow.conversations.of_client(user.telegram_id)
    summaries = [await _summary(uow, c, Side.THERAPIST, user.locale) for c in as_therapist]
    summaries += [await _summary(uow, c, Side.CLIENT, user.locale) for c in as_client]
    return sorted(summaries, key=_recency)


def _recency(summary: ConversationSummary) -> tuple[bool, float, int]:
    last = summary.conversation.last_message_at
    return (last is None, -last.timestamp() if last else 0.0, -summary.conversation.id)


async def _summary(uow: UnitOfWork, conversation: Conversation, my_side: Side, language: str) -> ConversationSummary:
    """The conversation as a reader of `language` on `my_side` sees it."""
    partner_side = Side.CLIENT if my_side is Side.THERAPIST else Side.THERAPIST
    return ConversationSummary(conversation, my_side, await name_of(uow, conversation, partner_side, language))


async def name_of(uow: UnitOfWork, conversation: Conversation, side: Side, language: str) -> str:
    """A party's name as the other side sees it: the client's chosen name, the therapist's name in the reader's language."""
    if side is Side.THERAPIST:
        profile = await uow.therapists.get(conversation.therapist_id)
        if profile is not None:
            return profile.name_for(language)
    user = await uow.users.get(conversation.client_id if side is Side.CLIENT else conversation.therapist_id)
    return user.shown_name if user is not None else "—"


@dataclass(frozen=True)
class ChatOverview:
    conversations: list[ConversationSummary]
    writing_to: ConversationSummary | None
    therapist: bool


async def chat_overview(uow: UnitOfWork, user: User) -> ChatOverview:
    return ChatOverview(
        await conversations_of(uow, user), await chosen_conversation(uow, user), await is_therapist(uow, user)
    )


async def choose_conversation(uow: UnitOfWork, user: User, conversation_id: int) -> ConversationSummary:
    """From now on the person's plain messages go to this conversation."""
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or (side := conversation.side_of(user.telegram_id)) is None:
        raise NotYourConversation(conversation_id)
    await uow.conversations.set_focus(user.telegram_id, conversation.id)
    await uow.commit()
    return await _summary(uow, conversation, side, user.locale)


async def chosen_conversation(uow: UnitOfWork, user: User) -> ConversationSummary | None:
    conversation = await uow.conversations.focus_of(user.telegram_id)
    if conversation is None or (side := conversation.side_of(user.telegram_id)) is None:
        return None
    return await _summary(uow, conversation, side, user.locale)


async def stop_writing(uow: UnitOfWork, user: User) -> None:
    """Plain messages go nowhere until the person chooses again (or replies)."""
    await uow.conversations.clear_focus(user.telegram_id)
    await uow.commit()


# -- the client's name ---------------------------------------------------


def needs_display_name(user: User) -> bool:
    """A client is asked once, before their first message reaches a therapist."""
    return user.display_name is None


async def choose_display_name(uow: UnitOfWork, user: User, raw: str) -> User:
    """Raises UnacceptableName with what is wrong, so the person can try again."""
    user.display_name = acceptable_name(raw)
    await uow.users.save(user)
    await uow.commit()
    return user
