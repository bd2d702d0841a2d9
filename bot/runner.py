"""Running the bot: long polling by default, a webhook server by setting; updates go through the inbox."""
from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from aiohttp import web

from bot.app import App, web_pages
from bot.inbox.polling import poll
from bot.inbox.webhook import WEBHOOK_SHUTDOWN_SECONDS, WebhookReceiver
from bot.settings import RunMode

log = logging.getLogger(__name__)


async def run(app: App) -> None:
    await app.prepare()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    workflow = {"dispatcher": app.dispatcher, "bots": [app.bot], **app.dispatcher.workflow_data}
    try:
        await app.dispatcher.emit_startup(bot=app.bot, **workflow)
        try:
            if app.settings.run_mode is RunMode.WEBHOOK:
                await _serve_webhook(app, stop)
            else:
                await _poll_and_serve_pages(app, stop)
        finally:
            # Updates being handled finish first; those still waiting stay in the inbox for the next start.
            if not await app.inbox.drain(app.settings.shutdown_grace_seconds):
                log.warning("shutting down with updates of %d chat(s) still being handled", app.inbox.busy_chats)
            await app.dispatcher.emit_shutdown(bot=app.bot, **workflow)
    finally:
        await app.close()


async def _poll_and_serve_pages(app: App, stop: asyncio.Event) -> None:
    settings = app.settings
    pages_app = web_pages(app)
    app.operator_pages().install(pages_app)
    pages = web.AppRunner(pages_app, access_log=None)
    await pages.setup()
    try:
        await web.TCPSite(pages, settings.web_host, settings.web_port).start()
        log.info("serving the web pages on %s:%s (%s)", settings.web_host, settings.web_port, settings.public_url())
        await app.inbox.start()
        log.info("polling")
        await poll(app.bot, app.inbox, stop, app.dispatcher.resolve_used_update_types())
    finally:
        await pages.cleanup()


async def _serve_webhook(app: App, stop: asyncio.Event) -> None:
    settings = app.settings
    assert settings.webhook_base_url and settings.webhook_secret, "checked by Settings (_webhook_complete)"
    secret = settings.webhook_secret.get_secret_value()
    # One server: the webhook, its health check and the web pages.
    web_app = web_pages(app)
    web_app.router.add_post(settings.webhook_path, WebhookReceiver(app.inbox, secret))
    app.operator_pages().install(web_app)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=WEBHOOK_SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await app.inbox.start()
        await app.bot.set_webhook(
            settings.webhook_base_url.rstrip("/") + settings.webhook_path,
            secret_token=secret,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
        log.info("serving the webhook on %s:%s%s", settings.webhook_host, settings.webhook_port, settings.webhook_path)
        await stop.wait()
    finally:
        await runner.cleanup()

