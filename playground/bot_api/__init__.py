"""A local Telegram Bot API server: what the end-to-end tests (and the playground) talk to instead of Telegram.

The real bot process talks to it over HTTP exactly as it would talk to
api.telegram.org (``TELEGRAM_API_BASE=fake.base_url``), while the test drives
scripted users, injects faults and inspects every call the bot made.

The emulation follows the Bot API where a bot can observe the difference:
updates stay unconfirmed until ``getUpdates`` is called with a higher offset
(so a crashed bot sees them again), a webhook is posted each update in order
with its secret and gets it again until it answers 200, ``allowed_updates`` is remembered between
calls, a second poller terminates the first with 409, message ids are counted
per chat, and editing a message without changing it answers
"message is not modified". Those are the behaviours real bots trip over in
production, so the tests should trip over them too. Text is taken as sent, with its
entities: the product sets no ``parse_mode``, and one is refused rather than misread.

Its parts:
- ``records``: what it keeps and hands out (calls, errors, files, charges, payments);
- ``world``: people, chats, messages, files, invoices and charges, as Telegram keeps them;
- ``updates`` and ``webhook``: what waits for the bot, and how it gets there;
- ``server``: the HTTP server (``FakeTelegram``) with its ``calls`` log and ``faults``;
- ``methods/``: the Bot API methods, one module a topic;
- ``users``: scripted users (``FakeUser``).
"""
from playground.bot_api.records import ApiError, Call, Payment, UploadedFile, WaitTimeout, update_type
from playground.bot_api.server import FakeTelegram
from playground.bot_api.users import FakeUser

__all__ = [
    "ApiError",
    "Call",
    "FakeTelegram",
    "FakeUser",
    "Payment",
    "UploadedFile",
    "WaitTimeout",
    "update_type",
]
