"""The durable inbox: updates are stored before Telegram is told they arrived, then fed to the dispatcher.

`InboxFeeder.keep` stores a batch (polling) or one update (webhook) in one transaction; only after that
does the caller acknowledge it (the next offset, or the webhook's 200). The feeder then hands each new
update to the dispatcher, in order per chat and chats in parallel. The unit of work of the update marks
it handled in the same transaction as whatever handling changed (`bot/middlewares/unit_of_work.py`), so
a crash at any moment leaves it unhandled, and it is handled again from scratch after the restart.
"""
from bot.inbox.feeder import InboxFeeder, InboxOutcome

__all__ = ["InboxFeeder", "InboxOutcome"]
