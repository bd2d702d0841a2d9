"""A chat as the demo page shows it: the Bot API's messages turned into plain data and safe HTML.

Text arrives as Telegram keeps it (plain text and entities measured in UTF-16
code units); it leaves as escaped HTML with the entities as tags, so the page
never builds markup from what the bot or a user wrote.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, get_currency_symbol

_OPENING = {
    "bold": "<b>", "italic": "<i>", "underline": "<u>", "strikethrough": "<s>", "code": "<code>",
    "pre": "<pre>", "spoiler": '<span class="spoiler">', "blockquote": "<blockquote>",
    "expandable_blockquote": "<blockquote>",
}
_CLOSING = {
    "bold": "</b>", "italic": "</i>", "underline": "</u>", "strikethrough": "</s>", "code": "</code>",
    "pre": "</pre>", "spoiler": "</span>", "blockquote": "</blockquote>", "expandable_blockquote": "</blockquote>",
    "text_link": "</a>", "url": "</a>",
}


def text_html(text: str, entities: list[Mapping[str, Any]] | None) -> str:
    """Escaped text with Telegram's entities as HTML tags (links open in a new tab)."""
    units = text.encode("utf-16-le")
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in sorted(entities or [], key=lambda e: (e["offset"], -e["length"])):
        kind = entity["type"]
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if kind == "text_link":
            opening = f'<a href="{html.escape(_safe_url(entity.get("url", "")))}" target="_blank" rel="noopener">'
        elif kind == "url":
            shown = units[start * 2:end * 2].decode("utf-16-le", errors="replace")
            opening = f'<a href="{html.escape(_safe_url(shown))}" target="_blank" rel="noopener">'
        elif kind in _OPENING:
            opening = _OPENING[kind]
        else:
            continue
        opens.setdefault(start, []).append(opening)
        closes.setdefault(end, []).insert(0, _CLOSING[kind])
    out: list[str] = []
    boundaries = sorted({0, len(units) // 2, *opens, *closes})
    for here, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        out.extend(closes.get(here, []))
        out.extend(opens.get(here, []))
        if following is not None:
            out.append(html.escape(units[here * 2:following * 2].decode("utf-16-le", errors="replace")))
    return "".join(out).replace("\n", "<br>")


def _safe_url(url: str) -> str:
    return url if url.startswith(("http://", "https://", "tg://", "mailto:")) else "#"


def money(amount: int, currency: str, locale: str) -> str:
    """An invoice's total as its reader's app would show it (Stars are whole)."""
    if currency == "XTR":
        return f"⭐ {amount}"
    shown = format_currency(Decimal(amount) / 100, currency, locale=locale)
    # English has no sign for the hryvnia and writes «UAH1,200.00»; a reader of the app sees «₴1,200.00».
    return shown.replace(currency, get_currency_symbol(currency, "uk")) if currency in shown else shown


def message_view(
    message: Mapping[str, Any],
    *,
    locale: str,
    zone: str,
    file_url: Callable[[str], str],
    paid: bool,
) -> dict[str, Any]:
    """One message as plain data for the page."""
    view: dict[str, Any] = {
        "id": message["message_id"],
        "from_bot": bool(message.get("from", {}).get("is_bot")),
        "time": datetime.fromtimestamp(message["date"], UTC).astimezone(ZoneInfo(zone)).strftime("%d.%m %H:%M"),
        "edited": "edit_date" in message,
    }
    if "text" in message:
        view["html"] = text_html(message["text"], message.get("entities"))
    elif "caption" in message:
        view["html"] = text_html(message["caption"], message.get("caption_entities"))
    if replied := message.get("reply_to_message"):
        view["reply_to"] = (replied.get("text") or replied.get("caption") or "…")[:80]
    if photo := message.get("photo"):
        view["photo"] = file_url(photo[-1]["file_id"])
    for kind in ("document", "voice", "audio", "video", "animation"):
        if media := message.get(kind):
            view["file"] = {
                "name": media.get("file_name") or kind,
                "url": file_url(media["file_id"]),
                "size": media.get("file_size", 0),
            }
    if contact := message.get("contact"):
        view["contact"] = contact.get("phone_number", "")
    if invoice := message.get("invoice"):
        view["invoice"] = {
            "title": invoice["title"],
            "description": invoice["description"],
            "price": money(invoice["total_amount"], invoice["currency"], locale),
            "paid": paid,
        }
    if payment := message.get("successful_payment"):
        view["payment"] = money(payment["total_amount"], payment["currency"], locale)
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    if rows:
        view["buttons"] = [[_button(button) for button in row] for row in rows]
    return view


def _button(button: Mapping[str, Any]) -> dict[str, Any]:
    if "callback_data" in button:
        return {"text": button["text"], "kind": "callback"}
    if "url" in button:
        return {"text": button["text"], "kind": "url", "url": _safe_url(button["url"])}
    if button.get("pay"):
        return {"text": button["text"], "kind": "pay"}
    return {"text": button["text"], "kind": "other"}


def reply_keyboard_view(markup: Mapping[str, Any] | None) -> list[list[str]] | None:
    if not markup:
        return None
    return [[b["text"] if isinstance(b, Mapping) else str(b) for b in row] for row in markup.get("keyboard", [])]
