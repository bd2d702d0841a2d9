"""Running the bot: long polling by default, a webhook server by setting."""
from __future__ import annotations

import logging

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import SecretStr

from bot.app import App, web_pages
from bot.settings import RunMode

log = logging.getLogger(__name__)


async def run(app: App) -> None:
    await app.prepare()
    try:
        if app.settings.run_mode is RunMode.WEBHOOK:
            await _serve_webhook(app)
        else:
            await _poll_and_serve_pages(app)
    finally:
        await app.close()


async def _poll_and_serve_pages(app: App) -> None:
    settings = app.settings
    pages = web.AppRunner(web_pages(app), access_log=None)
    await pages.setup()
    try:
        await web.TCPSite(pages, settings.web_host, settings.web_port).start()
        log.info("serving the web pages on %s:%s (%s)", settings.web_host, settings.web_port, settings.public_url())
        await app.dispatcher.start_polling(
            app.bot,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
            close_bot_session=False,
        )
    finally:
        await pages.cleanup()


async def _serve_webhook(app: App) -> None:
    settings = app.settings
    if not settings.webhook_base_url:
        raise SystemExit("RUN_MODE=webhook needs WEBHOOK_BASE_URL (the public https address of this server)")
    # One server: the webhook and the web pages.
    web_app = web_pages(app)
    SimpleRequestHandler(app.dispatcher, app.bot, secret_token=_secret(settings.webhook_secret)).register(
        web_app, path=settings.webhook_path
    )
    setup_application(web_app, app.dispatcher, bot=app.bot)

    async def set_webhook(_: web.Application) -> None:
        await app.bot.set_webhook(
            settings.webhook_base_url.rstrip("/") + settings.webhook_path,
            secret_token=_secret(settings.webhook_secret),
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )

    web_app.on_startup.append(set_webhook)
    log.info("serving the webhook on %s:%s%s", settings.webhook_host, settings.webhook_port, settings.webhook_path)
    await web._run_app(web_app, host=settings.webhook_host, port=settings.webhook_port, print=None)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
