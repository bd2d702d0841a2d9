"""The composition root: the one place where the platform is wired together.

`build_app` touches no network, so tests build the very same dispatcher
that production runs and feed it updates.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from aiohttp.web import Application
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import access
from bot.commands import publish_default_commands
from bot.delivery import Budget, Delivery, RealSleeper, Sleeper
from bot.delivery.wiring import build_delivery
from bot.demo_clock import DemoClockSource
from bot.flows import (
    booking,
    change_rejection,
    decline_reason,
    first_questionnaire,
    interview_invitation,
    matching,
    meeting_place,
    money_notes,
    profile_edit,
    refund_request,
    request,
    second_questionnaire,
    timezone,
    vacation,
    working_hours,
)
from bot.flows import broadcast as broadcast_flow
from bot.flows import support as support_conversation
from bot.flows import testimonials as testimonial_editing
from bot.fsm_storage import DatabaseStorage
from bot.handlers import (
    admin_queue,
    applications_admin,
    applying,
    audit,
    broadcasts,
    cabinet,
    chat,
    coming_back,
    directory,
    errors,
    help,
    payments,
    payouts,
    preferences,
    privacy,
    profile_changes_admin,
    refunds,
    roster,
    rules,
    sessions,
    staff,
    start,
    stats,
    support,
    testimonials,
    waitlist,
)
from bot.i18n import build_i18n
from bot.inbox import InboxFeeder
from bot.metrics import CountTelegramErrors, Metrics, OperatorPages
from bot.middlewares.callback_answer import AnswerAfterSuccess
from bot.middlewares.current_user import CurrentUser
from bot.middlewares.locale import UserLocale
from bot.middlewares.unit_of_work import UnitOfWorkPerUpdate
from bot.notices import booking as booking_notices
from bot.notices import broadcast as broadcast_notices
from bot.notices import cabinet as cabinet_notices
from bot.notices import calendar as calendar_notices
from bot.notices import chat as chat_notices
from bot.notices import coming_back as coming_back_notices
from bot.notices import meetings as meeting_notices
from bot.notices import payments as payment_notices
from bot.notices import roster as roster_notices
from bot.notices import staff as staff_notices
from bot.notices import support as support_notices
from bot.notices import vetting as vetting_notices
from bot.notices import waitlist as waitlist_notices
from bot.notices.kinds import NoticeKind, merged_kinds
from bot.photos import TelegramPhotoCache
from bot.replies import ReplyRetries
from bot.routing import commands_layer, flows_layer, layer
from bot.settings import Settings
from core.clock import Clock, ShiftedClock, SystemClock
from scheduler import Courier
from scheduler.backups import DailyBackup
from scheduler.retention import Sweeper
from storage.backup import InUse, hold, sqlite_path
from storage.db import create_engine, is_sqlite, session_factory
from storage.migrate import upgrade_to_head
from storage.sealed_data import check_keys
from storage.uow import SqlUnitOfWork, on_timed_messages_committed
from web import Site, build_web_app

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    i18n: I18n
    inbox: InboxFeeder
    metrics: Metrics
    delivery: Delivery
    courier: Courier
    sweeper: Sweeper
    backups: DailyBackup | None = None
    demo_clock: DemoClockSource | None = None
    _in_use: InUse | None = None

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    def operator_pages(self) -> OperatorPages:
        return OperatorPages(self.metrics, self.sessions, self.clock, lambda: self.inbox.held_chats)

    async def prepare(self) -> None:
        """Bring the database up to date; safe to call on every start.

        Refuses (`UnknownDataKey`) keys that cannot open what the database holds, before anything is sealed with them.
        """
        if is_sqlite(self.settings.database_url) and self._in_use is None:
            self._in_use = hold(sqlite_path(self.settings.database_url))  # so a restore will not replace it under us
        await upgrade_to_head(self.engine)
        await check_keys(self.engine, self.settings.key_ring())

    async def close(self) -> None:
        self.sweeper.stop()
        if self.backups is not None:
            self.backups.stop()
        await self.courier.stop(self.settings.shutdown_grace_seconds)
        await self.delivery.limits.budget.close()
        await self.dispatcher.storage.close()
        await self.bot.session.close()
        await self.engine.dispose()
        if self._in_use is not None:
            self._in_use.release()
            self._in_use = None


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    session: BaseSession | None = None,
    fsm_storage: BaseStorage | None = None,
    sleeper: Sleeper | None = None,
    send_budget: Budget | None = None,
) -> App:
    demo_clock = ShiftedClock() if settings.demo_clock_file and clock is None else None
    clock = clock or demo_clock or SystemClock()
    engine = create_engine(settings.database_url, keys=settings.key_ring())
    sessions = session_factory(engine)
    session = session or AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    sleeper = sleeper or RealSleeper()
    # Two Bots over one session (one pool of connections): the session's middleware retries what the
    # dispatcher's bot says (the handlers' replies), not the courier's, which has its own limits and retries.
    bot, courier_bot = _bot(settings, session), _bot(settings, session)
    session.middleware(ReplyRetries(bot, sleeper.sleep))
    metrics = Metrics()
    session.middleware(CountTelegramErrors(metrics))  # inside the retries: every answer counts
    i18n = build_i18n(settings.default_locale)
    storage, isolation = _conversation_state(settings, sessions, clock, fsm_storage)
    # aiogram's FSM middleware is registered below, inside the unit of work (see there), not by the dispatcher.
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    feeder = InboxFeeder(
        dispatcher, bot, sessions, clock,
        max_attempts=settings.inbox_max_attempts, retry_seconds=settings.inbox_retry_seconds,
        lease_seconds=settings.inbox_lease_seconds, poll_seconds=settings.inbox_poll_seconds,
        only_process=is_sqlite(settings.database_url), metrics=metrics,
    )
    delivery, courier = build_delivery(
        settings, courier_bot, lambda: SqlUnitOfWork(sessions), i18n, clock, notice_kinds(), sleeper, metrics, send_budget
    )
    # A relay or a notice written by a handler goes out as soon as its transaction commits.
    on_timed_messages_committed(sessions, courier.wake)
    sweeper = Sweeper(
        lambda: SqlUnitOfWork(sessions),
        clock,
        settings.retention_policy(),
        interval=timedelta(hours=settings.retention_sweep_hours),
    )
    app = App(
        settings, bot, dispatcher, engine, sessions, clock, i18n, feeder, metrics,
        delivery=delivery, courier=courier, sweeper=sweeper,
    )
    if settings.backup_dir is not None:
        app.backups = DailyBackup(
            settings.database_url, settings.backup_dir, clock,
            keep=settings.backup_keep, hour=settings.backup_hour, zone=settings.default_timezone,
        )
    if demo_clock is not None and settings.demo_clock_file is not None:
        # Demo mode only (settings refuse it beside a real token): the playground moves this clock.
        app.demo_clock = DemoClockSource(settings.demo_clock_file, demo_clock, courier.clock_jumped)

    dispatcher.workflow_data.update(settings=settings, clock=clock, i18n=i18n, app=app)
    dispatcher.update.outer_middleware(UnitOfWorkPerUpdate(sessions, clock))
    dispatcher.update.outer_middleware(
        CurrentUser(clock, default_locale=settings.default_locale, default_timezone=settings.default_timezone)
    )
    # Inside the unit of work: conversation state is read (and written) in the update's own transaction,
    # not in one of its own before the update's work begins.
    dispatcher.update.outer_middleware(dispatcher.fsm)
    UserLocale(i18n).setup(dispatcher)
    # Every press is answered once, after its handler; the gates inside it refuse with that answer's alert.
    dispatcher.callback_query.middleware(AnswerAfterSuccess())
    access.install(dispatcher)
    dispatcher.include_routers(*topic_routers())
    dispatcher.startup.register(_on_startup)
    # The runner drains the inbox's updates before shutdown; aiogram's own handler then closes the FSM storage.
    dispatcher.shutdown.register(_on_shutdown)
    return app


def _bot(settings: Settings, session: BaseSession) -> Bot:
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(link_preview_is_disabled=True),
    )


def web_pages(app: App) -> Application:
    """The public pages, reading the same database through the same use cases as the bot's handlers."""

    async def bot_username() -> str:
        return (await app.bot.me()).username or ""

    settings = app.settings
    site = Site(
        unit_of_work=app.unit_of_work,
        clock=app.clock,
        translations=app.i18n.locales,
        bot_username=bot_username,
        photos=TelegramPhotoCache(app.bot, Path(settings.photo_cache_dir)),
        public_base_url=settings.public_url(),
        booking_policy=settings.booking_policy(),
        zone=settings.default_timezone,
        fee_basis_points=settings.payment_policy().fee_basis_points,
        default_locale=settings.default_locale,
        demo_page=settings.demo_page_url,
    )
    return build_web_app(site)


def topic_routers() -> list[Router]:
    """Fresh routers every time: a router can belong to one dispatcher only."""
    return [
        # A payment is recorded whatever step of a conversation its payer is in.
        payments.received(),
        commands_layer(
            layer("links", applying.links(), directory.links(), matching.links()),
            start.commands(),
            directory.commands(),
            preferences.commands(),
            help.commands(),
            rules.commands(),
            sessions.commands(),
            refunds.commands(),
            payouts.commands(),
            payments.commands(),
            cabinet.commands(),
            working_hours.commands(),
            vacation.commands(),
            profile_edit.commands(),
            meeting_place.commands(),
            profile_changes_admin.commands(),
            change_rejection.commands(),
            staff.commands(),
            audit.commands(),
            stats.commands(),
            roster.commands(),
            broadcasts.commands(),
            broadcast_flow.commands(),
            admin_queue.commands(),
            testimonials.commands(),
            testimonial_editing.commands(),
            privacy.commands(),
            support_conversation.commands(),
            applying.commands(),
            applications_admin.commands(),
            chat.commands(),
            waitlist.commands(),
            matching.commands(),
            errors.unknown_commands(),
            ends_steps=(booking.PickingTime, request.Requesting, matching.Choosing),
        ),
        flows_layer(
            payments.router(),
            directory.router(),
            preferences.router(),
            timezone.router(),
            booking.router(),
            request.router(),
            sessions.router(),
            coming_back.router(),
            waitlist.router(),
            matching.router(),
            refund_request.router(),
            refunds.router(),
            payouts.router(),
            money_notes.router(),
            cabinet.router(),
            working_hours.router(),
            vacation.router(),
            profile_edit.router(),
            meeting_place.router(),
            profile_changes_admin.router(),
            change_rejection.router(),
            staff.router(),
            audit.router(),
            stats.router(),
            admin_queue.router(),
            roster.router(),
            broadcasts.router(),
            broadcast_flow.router(),
            testimonials.router(),
            testimonial_editing.router(),
            privacy.router(),
            support_conversation.router(),
            support.router(),
            applying.router(),
            applications_admin.router(),
            interview_invitation.router(),
            decline_reason.router(),
            first_questionnaire.router(),
            second_questionnaire.router(),
            chat.router(),
        ),
        layer("fallbacks", applying.resume_router(), chat.relaying(), errors.router()),
    ]


def notice_kinds() -> dict[str, NoticeKind]:
    """Every kind of timed message: each topic's `bot/notices/<topic>.py: notice_kinds()` is listed here."""
    return merged_kinds(
        chat_notices.notice_kinds(),
        booking_notices.notice_kinds(),
        coming_back_notices.notice_kinds(),
        cabinet_notices.notice_kinds(),
        meeting_notices.notice_kinds(),
        calendar_notices.notice_kinds(),
        staff_notices.notice_kinds(),
        support_notices.notice_kinds(),
        vetting_notices.notice_kinds(),
        payment_notices.notice_kinds(),
        broadcast_notices.notice_kinds(),
        roster_notices.notice_kinds(),
        waitlist_notices.notice_kinds(),
    )


def _conversation_state(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    given: BaseStorage | None,
) -> tuple[BaseStorage, BaseEventIsolation]:
    if given is not None:
        return given, SimpleEventIsolation()
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        from bot.fsm_isolation import LeasedRedisIsolation

        keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        storage = RedisStorage.from_url(settings.redis_url, key_builder=keys)
        # Replicas behind a load balancer must serialise one person's updates together. The lock's key
        # names the bot too: without it, other bots on the same Redis would hold up this person's updates.
        return storage, LeasedRedisIsolation(storage.redis, key_builder=keys)
    return DatabaseStorage(sessions, clock), SimpleEventIsolation()


async def _on_startup(bot: Bot, app: App) -> None:
    await publish_default_commands(bot, app.i18n)
    async with app.unit_of_work() as uow:
        await access.publish_console_commands(bot, app.i18n, uow, app.settings)
    # Started here, not in build_app: tests build apps without timers or network.
    if app.demo_clock is not None:
        await app.demo_clock.start()
    await app.courier.start()
    app.sweeper.start()
    if app.backups is not None:
        app.backups.start()


async def _on_shutdown(app: App) -> None:
    app.sweeper.stop()
    if app.backups is not None:
        app.backups.stop()
    # After the handlers: what they scheduled is committed, and is sent now or after the restart.
    await app.courier.stop(app.settings.shutdown_grace_seconds)
    if app.demo_clock is not None:
        await app.demo_clock.stop()
