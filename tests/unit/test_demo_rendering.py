"""The demo page shows what the bot sent as Telegram would, and never turns a person's text into markup."""
from __future__ import annotations

from playground.rendering import message_view, text_html


def test_entities_become_tags_measured_in_utf16_and_everything_else_is_escaped():
    text = "🙂 Оплата <b>пройшла</b> успішно & далі"
    # "🙂" is two UTF-16 code units: «Оплата» starts at 3, not 2.
    entities = [{"type": "bold", "offset": 3, "length": 6}, {"type": "italic", "offset": 25, "length": 7}]
    assert text_html(text, entities) == "🙂 <b>Оплата</b> &lt;b&gt;пройшла&lt;/b&gt; <i>успішно</i> &amp; далі"


def test_links_keep_only_safe_addresses_and_open_apart():
    text = "profile and script"
    entities = [
        {"type": "text_link", "offset": 0, "length": 7, "url": "https://t.me/bot?start=x"},
        {"type": "text_link", "offset": 12, "length": 6, "url": "javascript:alert(1)"},
    ]
    shown = text_html(text, entities)
    assert '<a href="https://t.me/bot?start=x" target="_blank" rel="noopener">profile</a>' in shown
    assert 'href="#"' in shown and "javascript" not in shown


def test_nested_entities_close_in_order_and_lines_break():
    assert text_html("ab\ncd", [{"type": "bold", "offset": 0, "length": 5}, {"type": "italic", "offset": 3, "length": 2}]) == (
        "<b>ab<br><i>cd</i></b>"
    )


def test_an_invoice_shows_its_price_for_the_readers_locale_and_whether_it_was_paid():
    message = {
        "message_id": 7, "date": 1_764_662_400, "from": {"id": 1, "is_bot": True},
        "invoice": {"title": "Сесія", "description": "50 хвилин", "currency": "UAH", "total_amount": 120_000},
    }
    view = message_view(message, locale="uk", zone="Europe/Kyiv", file_url=lambda file_id: f"/files/{file_id}", paid=True)
    assert view["invoice"] == {"title": "Сесія", "description": "50 хвилин", "price": "1\xa0200,00\xa0₴", "paid": True}
    english = message_view(message, locale="en", zone="America/New_York", file_url=str, paid=False)
    assert english["invoice"]["price"] == "₴1,200.00"  # not Babel's «UAH1,200.00»: English has no sign of its own

