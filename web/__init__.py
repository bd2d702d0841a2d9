"""The platform's public web pages, served by the bot's own process: web → core only."""
from web.app import build_web_app
from web.site import PhotoSource, Site

__all__ = ["PhotoSource", "Site", "build_web_app"]
