"""Settings from the environment and `.env`.

The variable names are a contract with operators and outside tests; see
`.env.example` for what each one means.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.payments import STARS, UAH, PaymentMethod, PaymentPolicy
from core.usecases.booking import BookingPolicy
from core.usecases.retention import RetentionPolicy
from storage.encryption import KeyRing

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
# The demo's own tokens: BotFather never issues a secret that begins with "DEMO-".
DEMO_TOKEN_PATTERN = re.compile(r"^\d{3,}:DEMO-[A-Za-z0-9_-]{25,}$")
# What Telegram accepts as a webhook's secret_token (setWebhook).
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SUPPORTED_LOCALES = ("uk", "en")
ADDRESSES_WITH_PASSWORDS = ("database_url", "redis_url")
KEYS_ADVICE = "keep a copy apart from the database and its backups: without it nothing sealed can be read"


class RunMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class Settings(BaseSettings):
    # Secrets are SecretStr (printed as **********) and a refused value is not echoed in the error:
    # settings get logged and printed, and a malformed token is still a token.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    bot_token: SecretStr
    database_url: str = "sqlite+aiosqlite:///./data/bot.db"
    # The keys that seal what people confide (storage/encryption.py): comma-separated, the first seals, all open.
    data_keys: SecretStr
    telegram_api_base: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_timezone: str = "Europe/Kyiv"
    default_locale: str = "uk"
    redis_url: str | None = None

    run_mode: RunMode = RunMode.POLLING
    webhook_base_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080

    # The web pages (therapists' landings, the directory, the page for specialists). In polling mode they
    # are served on WEB_HOST:WEB_PORT; in webhook mode by the webhook's own server. PUBLIC_BASE_URL is the
    # address people reach them at, for absolute links and previews.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    public_base_url: str | None = None
    photo_cache_dir: str = "data/photos"

    log_level: str = "INFO"
    shutdown_grace_seconds: float = Field(default=20.0, gt=0)

    # The admin group where support reads and answers /support messages; unset: staff's private chats.
    support_chat_id: int | None = None

    # Delivery of timed messages: Telegram's limits, leases and retries (see .env.example).
    delivery_rate_per_second: float = Field(default=30.0, gt=0)
    delivery_rate_per_chat_seconds: float = Field(default=1.0, ge=0)
    delivery_group_per_minute: int = Field(default=20, ge=1)
    delivery_lease_seconds: float = Field(default=60.0, ge=1)
    delivery_safety_seconds: float = Field(default=15.0, gt=0)
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_retry_seconds: float = Field(default=10.0, gt=0)

    # Retention (see .env.example): settled timed messages are purged this long after they settled (a
    # booking's are kept longer: core/usecases/retention.py), by a sweep every RETENTION_SWEEP_HOURS.
    retention_timed_messages_days: int = Field(default=90, ge=1, le=3650)
    retention_sweep_hours: float = Field(default=6.0, gt=0, le=24 * 7)
    # Handled inbox updates' ids: longer than the day Telegram may send an update again. An update set aside is
    # dropped (what it held erased) once it waited this long for an admin's retry or drop.
    retention_inbox_days: int = Field(default=7, ge=2, le=3650)

    # A daily backup of the SQLite database into this folder (empty: none), at BACKUP_HOUR in DEFAULT_TIMEZONE,
    # the newest BACKUP_KEEP kept. On PostgreSQL, pg_dump does it (README, «Backups»).
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_hour: int = Field(default=3, ge=0, le=23)

    booking_min_notice_hours: int = Field(default=25, ge=0)
    booking_horizon_days: int = Field(default=60, ge=1)
    booking_request_ttl_hours: int = Field(default=12, ge=1)
    session_reminders_hours: Annotated[tuple[int, ...], NoDecode] = (24, 1)
    # Where a session happens when its therapist keeps no room of their own: a fresh room per session
    # under this address. Empty: no default, and a therapist without a room is asked for one.
    meeting_base_url: str = "https://meet.jit.si"

    # Payments (see .env.example): a provider's token takes cards in UAH; XTR takes Telegram Stars;
    # with neither, clients are shown MANUAL_PAYMENT_INSTRUCTIONS and finance confirms transfers.
    payment_provider_token: SecretStr | None = None
    payment_currency: str = UAH
    manual_payment_instructions: str = ""
    platform_fee_percent: Decimal = Field(default=Decimal(20), ge=0, le=100, decimal_places=2)
    stars_per_uah: Decimal = Field(default=Decimal("1.5"), gt=0, le=1000, decimal_places=2)

    # The demo only (`make demo`): a file whose offset moves the platform's clock ahead. Refused
    # together with a real token, a Bot API beyond this computer or a live payment provider.
    demo_clock_file: Path | None = None
    # The demo only: the demo page's address, where the web pages' links into the bot open its chats (no t.me).
    demo_page_url: str | None = None

    vetting_max_document_mb: int = Field(default=20, ge=1, le=2000)
    vetting_remind_after_business_days: int = Field(default=2, ge=1, le=30)

    # The inbox (bot/inbox): how many times an update that fails is handled before it is set aside
    # (shown by /inbox), and the pause before the next try (times the tries so far).
    inbox_max_attempts: int = Field(default=3, ge=1, le=20)
    inbox_retry_seconds: float = Field(default=1.0, gt=0, le=300)
    # Replicas (README, «Running replicas»): a chat is handled by one process under a lease it renews; one that
    # stops renewing (killed, stuck, cut off) loses its chats this long after its last renewal, to a live one.
    # Every process looks at the inbox this often for updates other replicas stored for chats it holds.
    inbox_lease_seconds: float = Field(default=5.0, ge=1, le=300)
    inbox_poll_seconds: float = Field(default=0.25, gt=0, le=10)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ValueError("malformed bot token")
        return SecretStr(token)

    @field_validator("data_keys")
    @classmethod
    def _key_ring_shape(cls, value: SecretStr) -> SecretStr:
        KeyRing.parse(value.get_secret_value())
        return value

    def key_ring(self) -> KeyRing:
        return KeyRing.parse(self.data_keys.get_secret_value())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("session_reminders_hours", mode="before")
    @classmethod
    def _comma_separated_hours(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("meeting_base_url")
    @classmethod
    def _meetings_over_https(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith("https://"):
            raise ValueError("MEETING_BASE_URL is an https:// address of a video service (or empty for none)")
        return value

    @field_validator("payment_provider_token", mode="before")
    @classmethod
    def _no_token_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("payment_currency", mode="before")
    @classmethod
    def _known_currency(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper() or UAH
            if value not in (UAH, STARS):
                raise ValueError(f"PAYMENT_CURRENCY is {UAH} (a provider's cards, or manual) or {STARS} (Telegram Stars)")
        return value

    @model_validator(mode="after")
    def _stars_take_no_provider(self) -> Settings:
        if self.payment_currency == STARS and self.payment_provider_token:
            raise ValueError("Telegram Stars (PAYMENT_CURRENCY=XTR) take no PAYMENT_PROVIDER_TOKEN: leave it empty")
        return self

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.run_mode is not RunMode.WEBHOOK:
            return self
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not WEBHOOK_SECRET_PATTERN.match(secret):
            # Without it anyone who finds the address could post updates as if from Telegram.
            raise ValueError(
                "RUN_MODE=webhook needs WEBHOOK_SECRET: set it to a random string of 1-256 characters A-Z, a-z, 0-9, "
                "_ or - (Telegram sends it with every update, and updates without it are refused)"
            )
        if not self.webhook_base_url:
            raise ValueError("RUN_MODE=webhook needs WEBHOOK_BASE_URL (the public https address of this server)")
        return self

    @model_validator(mode="after")
    def _backups_of_sqlite(self) -> Settings:
        if self.backup_dir is not None and not self.database_url.startswith("sqlite"):
            raise ValueError("BACKUP_DIR backs up a SQLite database; on PostgreSQL schedule pg_dump (README, «Backups»)")
        return self

    @model_validator(mode="after")
    def _demo_stays_local(self) -> Settings:
        if self.demo_clock_file is None:
            if self.demo_page_url is not None:
                raise ValueError("DEMO_PAGE_URL is for the demo only: it comes with DEMO_CLOCK_FILE")
            return self
        if not DEMO_TOKEN_PATTERN.match(self.bot_token.get_secret_value()):
            raise ValueError("DEMO_CLOCK_FILE is for the demo only: it runs with a demo token, never a bot's real one")
        if not is_loopback_url(self.telegram_api_base):
            raise ValueError("DEMO_CLOCK_FILE is for the demo only: TELEGRAM_API_BASE must be on this computer")
        if self.payment_provider_token and ":TEST:" not in self.payment_provider_token.get_secret_value():
            raise ValueError("DEMO_CLOCK_FILE is for the demo only: PAYMENT_PROVIDER_TOKEN must be a test token")
        return self

    def payment_policy(self) -> PaymentPolicy:
        if self.payment_currency == STARS:
            method = PaymentMethod.STARS
        elif self.payment_provider_token:
            method = PaymentMethod.PROVIDER
        else:
            method = PaymentMethod.MANUAL
        return PaymentPolicy(
            method=method,
            fee_basis_points=int(self.platform_fee_percent * 100),
            stars_per_100_uah=int(self.stars_per_uah * 100),
        )

    def retention_policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            timed_messages=timedelta(days=self.retention_timed_messages_days),
            inbox=timedelta(days=self.retention_inbox_days),
        )

    def booking_policy(self) -> BookingPolicy:
        return BookingPolicy(
            min_notice=timedelta(hours=self.booking_min_notice_hours),
            horizon=timedelta(days=self.booking_horizon_days),
            request_ttl=timedelta(hours=self.booking_request_ttl_hours),
            reminders=tuple(timedelta(hours=hours) for hours in self.session_reminders_hours),
            platform_rooms=bool(self.meeting_base_url),
        )

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown IANA time zone {value!r}") from error
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"locale must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, object]]:
        # The addresses of the database and Redis stay readable in a printout; their passwords do not.
        for name, value in super().__repr_args__():
            yield name, without_password(value) if name in ADDRESSES_WITH_PASSWORDS and isinstance(value, str) else value

    def public_url(self) -> str:
        """Where people open the pages: PUBLIC_BASE_URL, else the webhook's public address, else this machine."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        if self.run_mode is RunMode.WEBHOOK and self.webhook_base_url:
            return self.webhook_base_url.rstrip("/")
        return f"http://{self.web_host}:{self.web_port}"

    @field_validator("public_base_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL is an http(s) address, such as https://therapy.example.org")
        return value

    @field_validator(
        "redis_url", "webhook_base_url", "webhook_secret", "support_chat_id", "public_base_url", "demo_clock_file", "demo_page_url",
        "backup_dir", mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value


def without_password(url: str) -> str:
    """The address with its password, if it has one, replaced by asterisks."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def is_loopback_url(url: str) -> bool:
    """Whether an address names this computer (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DatabaseOnly(BaseSettings):
    """What a command that only touches the database reads (demo data, a first key): no bot token.

    Without DATA_KEYS such a command works on everything but the sealed fields.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True)

    database_url: str = Settings.model_fields["database_url"].default
    data_keys: SecretStr | None = None

    @field_validator("data_keys", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def key_ring(self) -> KeyRing | None:
        return KeyRing.parse(self.data_keys.get_secret_value()) if self.data_keys else None
