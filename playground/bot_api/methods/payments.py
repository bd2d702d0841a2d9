"""Payments: invoices, the pre-checkout answer, and refunds of Telegram Stars."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.bot_api.methods.base import Handler, Params, Request, int_param, str_param
from playground.bot_api.methods.messages import send
from playground.bot_api.records import STALE_QUERY_DESCRIPTION, ApiError, WithMessage, bad_request


def _invoice(params: Mapping[str, Any]) -> dict[str, Any]:
    title = str_param(params, "title")
    description = str_param(params, "description")
    payload = str_param(params, "payload")
    currency = str_param(params, "currency")
    prices = params.get("prices")
    if not 1 <= len(title) <= 32:
        raise bad_request("INVOICE_TITLE_INVALID")
    if not 1 <= len(description) <= 255:
        raise bad_request("INVOICE_DESCRIPTION_INVALID")
    if not 1 <= len(payload.encode()) <= 128:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    if not isinstance(prices, list) or not prices:
        raise bad_request("can't parse prices JSON array")
    try:
        amounts = [int(price["amount"]) for price in prices]
    except (KeyError, TypeError, ValueError):
        raise bad_request("can't parse prices JSON array") from None
    if currency == "XTR":
        # Telegram Stars: exactly one price item and no payment provider.
        if len(prices) != 1:
            raise bad_request("STARS_INVOICE_INVALID")
        if params.get("provider_token"):
            raise bad_request("PAYMENT_PROVIDER_INVALID")
    total = sum(amounts)
    if total <= 0:
        raise bad_request("TOTAL_AMOUNT_INVALID")
    return {
        "title": title, "description": description, "payload": payload,
        "currency": currency, "total_amount": total,
    }


def send_invoice(request: Request, params: Params) -> WithMessage:
    chat_id = request.chat_id(params)
    invoice = _invoice(params)
    content = {"invoice": {
        "title": invoice["title"],
        "description": invoice["description"],
        "start_parameter": str(params.get("start_parameter") or ""),
        "currency": invoice["currency"],
        "total_amount": invoice["total_amount"],
    }}
    sent = send(request, params, content)
    request.world.keep_invoice(chat_id, sent.message["message_id"], invoice)
    return sent


def create_invoice_link(request: Request, params: Params) -> str:
    return request.world.invoice_link(_invoice(params))


def answer_pre_checkout_query(request: Request, params: Params) -> bool:
    query_id = str_param(params, "pre_checkout_query_id")
    if not request.world.pre_checkout_query_open(query_id):
        raise ApiError(400, STALE_QUERY_DESCRIPTION)
    ok = params.get("ok")
    if not isinstance(ok, bool):
        raise bad_request("ok is empty")
    if not ok and not params.get("error_message"):
        raise bad_request("ERROR_MESSAGE_EMPTY")
    request.world.close_pre_checkout_query(query_id)
    return True


def refund_star_payment(request: Request, params: Params) -> bool:
    user_id = int_param(params, "user_id")
    charge_id = str_param(params, "telegram_payment_charge_id")
    charge = request.world.charge(charge_id)
    if charge is None or charge.currency != "XTR":
        raise bad_request("CHARGE_NOT_FOUND")
    if charge.user_id != user_id:
        raise bad_request("USER_ID_INVALID")
    if charge.refunded:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    charge.refunded = True
    request.world.refunds.append({"user_id": user_id, "telegram_payment_charge_id": charge_id,
                                  "total_amount": charge.total_amount})
    return True


METHODS: dict[str, Handler] = {
    "sendInvoice": send_invoice,
    "createInvoiceLink": create_invoice_link,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
    "refundStarPayment": refund_star_payment,
}
