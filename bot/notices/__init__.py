"""What each kind of timed message says, rendered at send time for its reader.

A topic (booking, payments, vetting, ...) exports `notice_kinds() -> dict[str, NoticeKind]`
from its own module here; `bot/app.py` merges them for delivery.
"""
