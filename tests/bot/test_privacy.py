"""/mydata: what the platform holds about a person, as a file; deletion that keeps only what accounting must."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument, SendMessage
from aiogram.types import ReplyKeyboardRemove
from sqlalchemy import select

from core.bookings import Booking, BookingStatus
from core.payments import RefundStatus
from core.staff import StaffRole
from storage.tables import (
    AuditRow,
    BookingRow,
    InboxUpdateRow,
    PaymentRow,
    RefundRow,
    StaffRoleRow,
    SupportTicketRow,
    UserRoleRow,
    UserRow,
)
from tests.bot import staff_support
from tests.bot.booking_support import IRYNA, add_therapist
from tests.bot.staff_support import CLIENT, give, sent
from tests.bot.test_inbox import a_message
from tests.conftest import ADMIN_ID, START
from tests.support.bot_client import BotClient, InboxBotClient

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper

LAST_WEEK = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
NEXT_WEEK = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def book(app, starts_at: datetime, status: BookingStatus, *, paid: bool) -> None:
    booking = Booking(
        client_id=CLIENT, therapist_id=IRYNA, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=50),
        price_minor=120_000, status=status, created_at=starts_at - timedelta(days=3),
        paid_at=starts_at - timedelta(days=2) if paid else None, paid_minor=120_000 if paid else None,
    )
    async with app.unit_of_work() as uow:
        await uow.bookings.add(booking)
        await uow.commit()


async def pay(app, *, refund: RefundStatus | None = None) -> None:
    """Olena's payment for her first booking, and a refund she asked for, in the given state."""
    async with app.sessions() as db, db.begin():
        payment = PaymentRow(
            booking_id=1, payer_id=CLIENT, amount_minor=120_000, currency="UAH", telegram_payment_charge_id="tg-1",
            method="provider", use="applied", recorded_at=LAST_WEEK - timedelta(days=2),
        )
        db.add(payment)
        await db.flush()
        if refund is not None:
            db.add(
                RefundRow(
                    payment_id=payment.id, booking_id=1, amount_minor=120_000, currency="UAH", method="provider",
                    reason="after_session", status=refund.value, created_at=LAST_WEEK + timedelta(days=1),
                    requested_by=CLIENT, request_text="The therapist was an hour late.",
                )
            )


async def olena_with_history(app, make_client) -> BotClient:
    """Olena: a client with a held paid session, an expired unpaid one, a support question, and a staff role."""
    await make_client(ADMIN_ID, "Admin").send("/start")
    olena = make_client(CLIENT, "Olena")
    await olena.send("/start")
    await add_therapist(app)
    await book(app, LAST_WEEK, BookingStatus.HELD, paid=True)
    await book(app, LAST_WEEK + timedelta(days=1), BookingStatus.EXPIRED, paid=False)
    await pay(app, refund=RefundStatus.DECLINED)
    await olena.send("/support")
    await olena.send("Як змінити часовий пояс?")
    await olena.send("/cancel")
    await give(app, CLIENT, StaffRole.FINANCE)
    await app.courier.drain()
    return olena


async def test_the_export_is_a_json_file_of_everything_held(app, make_client, session):
    olena = await olena_with_history(app, make_client)

    options = await olena.send("/mydata")
    await olena.click("📄 Надіслати мої дані")

    assert options[0].text.startswith("Ваші дані на платформі.")
    assert options[0].buttons == ["📄 Надіслати мої дані", "🗑 Видалити мої дані"]
    [(document, _)] = sent(session, CLIENT, SendDocument)
    assert document.document.filename == "my-data-2026-11-24.json"
    assert document.caption.splitlines()[0] == "Усе, що платформа зберігає про вас станом на вт, 24 листопада:"
    assert "• ваші записи на сесії" in document.caption and "• ваші звернення в підтримку" in document.caption
    data = json.loads(document.document.data)
    assert data["account"]["first_name"] == "Olena"
    assert data["account"]["roles"] == ["admin", "client"]
    assert data["staff_roles"] == [{"role": "finance", "granted_at": START.isoformat()}]
    assert [(b["you_are"], b["therapist"], b["status"], b["paid_minor_units"]) for b in data["bookings"]] == [
        ("client", "Iryna Kovalenko", "held", 120_000), ("client", "Iryna Kovalenko", "expired", None)
    ]
    assert data["support_tickets"][0] | {"opened_at": None} == {
        "ticket": 1, "opened_at": None, "status": "open", "closed_at": None,
        "messages_to_support": 1, "answers_from_support": 0,
    }
    assert data["payments"]["paid"] == [
        {"amount_minor_units": 120_000, "currency": "UAH", "method": "provider", "booking": 1,
         "at": (LAST_WEEK - timedelta(days=2)).isoformat()}
    ]
    assert data["payments"]["refunds"][0]["your_request"] == "The therapist was an hour late."
    assert [entry["action"] for entry in data["audit_log"]] == ["staff.role_granted"]
    async with app.sessions() as db:
        assert (await db.scalars(select(AuditRow.action).where(AuditRow.subject_id == CLIENT))).all() == [
            "staff.role_granted", "privacy.data_exported"
        ]


async def test_the_export_holds_what_the_inbox_still_keeps_of_the_person_and_deletion_clears_it(
    app, make_client, session
):
    await make_client(ADMIN_ID, "Admin").send("/start")
    olena = InboxBotClient(app, session, CLIENT, "Olena")  # through the inbox, as Telegram's updates come
    await olena.send("/start")
    await olena.send("/support")
    await olena.send("Картка не проходить, а сесія вже завтра")
    unreadable = a_message(900_001, "Мені досі не відповіли", chat_id=CLIENT)
    del unreadable["message"]["date"]  # the dispatcher cannot read it: tried, then set aside
    await app.inbox.keep([unreadable])
    assert await app.inbox.idle(timeout=10)

    await olena.send("/mydata")
    await olena.click("📄 Надіслати мої дані")

    [(document, _)] = sent(session, CLIENT, SendDocument)
    assert "• те, що ви надіслали боту і що він ще зберігає: повідомлення (зокрема в підтримку)" in document.caption
    held = json.loads(document.document.data)["updates_from_telegram"]
    written = {entry["update"]["message"].get("text"): entry["state"] for entry in held if "message" in entry["update"]}
    assert written["Мені досі не відповіли"] == "set aside"
    assert "Картка не проходить, а сесія вже завтра" not in written  # handled: the inbox no longer holds it

    await olena.click("🗑 Видалити мої дані")
    await olena.click("Так, видалити все")

    async with app.sessions() as db:
        kept = list(await db.scalars(select(InboxUpdateRow).where(InboxUpdateRow.chat_key == CLIENT)))
    assert kept and all(row.payload is None for row in kept)  # ids only, for re-sends
    assert [row.update_id for row in kept if row.dropped_at is not None] == [unreadable["update_id"]]


async def test_deletion_keeps_paid_sessions_anonymised_and_says_what_was_kept(app, make_client, session):
    olena = await olena_with_history(app, make_client)

    await olena.send("/mydata")
    confirm = await olena.click("🗑 Видалити мої дані")
    done = await olena.click("Так, видалити все")

    assert confirm[-2].text.startswith("Видалити ваші дані? Цю дію не можна скасувати.")
    final = [r.method for r in done if isinstance(r.method, SendMessage)][-1]
    assert isinstance(final.reply_markup, ReplyKeyboardRemove)
    assert final.text.splitlines()[:7] == [
        "Ваші дані видалено.",
        "",
        "Що залишилося і чому:",
        "• 1 запис про оплату (ваші оплати, повернення й виплати): закон зобов'язує нас зберігати його для "
        "бухгалтерії. Тепер він вказує на анонімний номер, а не на вас.",
        "• 1 запис про оплату (ваші записи на сесії): закон зобов'язує нас зберігати його для бухгалтерії. "
        "Тепер він вказує на анонімний номер, а не на вас.",
        "• 1 повідомлення, яке ви надіслали в підтримку, залишається в Telegram-чаті команди підтримки; "
        "бот більше не знає, що воно ваше.",
        "• 1 запис у журналі дій: яку дію платформа виконала з вашим акаунтом і коли, без жодного змісту. "
        "Тепер він вказує на анонімний номер, а не на вас.",
    ]
    async with app.sessions() as db:
        assert await db.get(UserRow, CLIENT) is None
        assert (await db.scalars(select(UserRoleRow).where(UserRoleRow.telegram_id == CLIENT))).all() == []
        assert (await db.scalars(select(StaffRoleRow))).all() == []
        assert (await db.scalars(select(SupportTicketRow))).all() == []
        [kept] = (await db.scalars(select(BookingRow))).all()
        stand_in = await db.get(UserRow, kept.client_id)
        payment = (await db.scalars(select(PaymentRow))).one()
        refund = (await db.scalars(select(RefundRow))).one()
        erased = (await db.scalars(select(AuditRow).where(AuditRow.action == "privacy.data_erased"))).one()
    assert (kept.status, kept.paid_minor, kept.therapist_id) == ("held", 120_000, IRYNA)
    assert kept.client_id < -(2**53)
    assert (stand_in.first_name, stand_in.reachable) == ("—", False)
    assert (payment.payer_id, payment.amount_minor, payment.booking_id) == (kept.client_id, 120_000, kept.id)
    assert (refund.requested_by, refund.request_text, refund.status) == (kept.client_id, None, "declined")
    assert (erased.actor_id, erased.subject_id) == (kept.client_id, kept.client_id), "the stand-in, not her id"
    assert erased.details == {
        "kept": {
            "payments:accounting": 1, "bookings:accounting": 1,
            "support_tickets:support_chats": 1, "audit_log:accountability": 1,
        }
    }

    again = await olena.send("/start")
    assert again[0].text.startswith("Вітаємо! Тут можна знайти психотерапевта")


async def test_after_deletion_the_audit_log_never_names_the_person_again_even_when_they_come_back(app, make_client):
    olena = await olena_with_history(app, make_client)  # the admin gave her a staff role: an entry about her
    await olena.send("/mydata")
    await olena.click("🗑 Видалити мої дані")
    await olena.click("Так, видалити все")

    await olena.send("/start")  # she comes back: the same Telegram account, the same name
    admin = make_client(ADMIN_ID, "Admin")
    log = (await admin.send("/audit"))[0].text
    about_her = (await admin.send(f"/audit {CLIENT}"))[0].text

    assert log is not None and about_her is not None
    assert "Olena" not in log and str(CLIENT) not in log
    assert "видалений акаунт: видалено дані — видалений акаунт" in log
    assert f"Admin ({ADMIN_ID}): надано роль «фінанси» — видалений акаунт" in log
    assert about_her.startswith(f"📜 Журнал дій — Olena ({CLIENT}).") and about_her.endswith("Поки нічого не записано.")
    async with app.sessions() as db:
        named = await db.scalars(select(AuditRow).where((AuditRow.subject_id == CLIENT) | (AuditRow.actor_id == CLIENT)))
        assert named.all() == []


async def test_deletion_waits_while_a_session_is_ahead(app, make_client):
    olena = make_client(CLIENT, "Olena")
    await olena.send("/start")
    await add_therapist(app)
    await book(app, NEXT_WEEK, BookingStatus.PAID, paid=True)

    await olena.send("/mydata")
    refused = await olena.click("🗑 Видалити мої дані")

    assert refused[-2].text == (
        "Поки що ваші дані видалити не можна:\n"
        "• 1 сесія ще попереду. Спершу скасуйте її (за 24 години чи раніше до початку це безкоштовно, "
        "а оплачену сесію повернемо).\n"
        "Потім знову відкрийте /mydata. Якщо щось незрозуміло, допоможе /support."
    )
    async with app.sessions() as db:
        assert await db.get(UserRow, CLIENT) is not None
        assert len((await db.scalars(select(BookingRow))).all()) == 1


async def test_deletion_waits_while_a_refund_is_on_its_way(app, make_client):
    olena = make_client(CLIENT, "Olena")
    await olena.send("/start")
    await add_therapist(app)
    await book(app, LAST_WEEK, BookingStatus.HELD, paid=True)
    await pay(app, refund=RefundStatus.APPROVED)

    await olena.send("/mydata")
    refused = await olena.click("🗑 Видалити мої дані")

    assert refused[-2].text.splitlines()[1] == (
        "• 1 грошове питання ще не завершене (повернення вам, виплата вам або сума, яку ви маєте повернути). "
        "Щойно його буде залагоджено, ваші дані можна буде видалити."
    )
    async with app.sessions() as db:
        assert (await db.scalars(select(PaymentRow.payer_id))).all() == [CLIENT]


async def test_an_old_confirmation_or_a_change_of_mind_deletes_nothing(app, make_client, clock):
    anna = make_client(CLIENT, "Anna", language_code="en")
    await anna.send("/mydata")
    confirm = await anna.click("🗑 Delete my data")
    clock.advance(timedelta(minutes=11))
    expired = await anna.click("Yes, delete everything")
    kept = await anna.click("No, keep my data")

    assert confirm[-2].text.startswith("Delete your data? This cannot be undone.")
    assert BotClient.alerts(expired) == ["This confirmation has expired. Open /mydata to start again."]
    assert BotClient.texts_of(kept) == ["Nothing was deleted. /mydata is always here."]
    async with app.sessions() as db:
        assert await db.get(UserRow, CLIENT) is not None
