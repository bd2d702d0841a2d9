"""Each role's main menu (reply keyboard) and command list.

A feature adds its button and command here when it exists; nothing is
listed that does not work yet.
"""
from __future__ import annotations

from aiogram.types import BotCommand, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from core.staff import Permission
from core.users import Role

BUTTON_SETTINGS = __("⚙️ Settings")
BUTTON_HELP = __("🆘 Help")
BUTTON_FAQ = __("❓ How it works")
BUTTON_REQUIREMENTS = __("📋 Requirements")
BUTTON_CHATS = __("💬 Chats")
BUTTON_FIND = __("🔎 Find a therapist")
BUTTON_MATCH = __("🧭 Help me choose")
BUTTON_SESSIONS = __("📅 My sessions")
BUTTON_APPLY = __("🧑‍⚕️ Join as a therapist")
BUTTON_STATUS = __("📍 My application")
BUTTON_APPLICATIONS = __("🗂 Applications")
BUTTON_EARNINGS = __("💰 Earnings")
BUTTON_HOURS = __("🗓 Hours")
BUTTON_VACATION = __("🏖 Vacation")
BUTTON_PROFILE = __("👤 Profile")
BUTTON_MONTH = __("📊 This month")

MENU_ROWS: dict[Role, list[list[object]]] = {
    Role.CLIENT: [[BUTTON_MATCH, BUTTON_FIND], [BUTTON_SESSIONS, BUTTON_CHATS], [BUTTON_FAQ, BUTTON_APPLY], [BUTTON_SETTINGS, BUTTON_HELP]],
    Role.APPLICANT: [[BUTTON_STATUS, BUTTON_REQUIREMENTS], [BUTTON_SETTINGS, BUTTON_HELP]],
    Role.THERAPIST: [
        [BUTTON_SESSIONS, BUTTON_CHATS],
        [BUTTON_HOURS, BUTTON_VACATION],
        [BUTTON_PROFILE, BUTTON_MONTH],
        [BUTTON_EARNINGS, BUTTON_FAQ],
        [BUTTON_SETTINGS, BUTTON_HELP],
    ],
    Role.ADMIN: [[BUTTON_APPLICATIONS], [BUTTON_SETTINGS, BUTTON_HELP]],
}

COMMON_COMMANDS = [
    ("start", __("Main menu")),
    ("help", __("Help and crisis lines")),
    ("faq", __("How the platform works")),
    ("language", __("Language")),
    ("timezone", __("Time zone")),
    ("support", __("Write to the platform's support")),
    ("mydata", __("Your data: see it or delete it")),
]
ROLE_COMMANDS: dict[Role, list[tuple[str, object]]] = {
    Role.CLIENT: [
        ("match", __("Help me choose a therapist: five short questions")),
        ("find", __("Find a therapist")),
        ("sessions", __("Your sessions")),
        ("chats", __("Conversations with your therapists")),
        ("waitlists", __("Therapists you wait for a time with")),
        ("apply", __("Join the platform as a therapist")),
    ],
    Role.APPLICANT: [("status", __("Where my application stands")), ("requirements", __("Requirements for therapists"))],
    Role.THERAPIST: [
        ("sessions", __("Your sessions")),
        ("clients", __("Your clients: choose whom to write to")),
        ("earnings", __("Your earnings and payouts")),
        ("cabinet", __("Your cabinet: hours, vacation, profile, figures")),
        ("hours", __("Weekly working hours")),
        ("vacation", __("Vacation dates")),
        ("profile", __("Your profile: see it, edit it, pause new clients")),
    ],
    Role.ADMIN: [],
}


# Console commands, each listed for those whose staff roles allow it.
STAFF_COMMANDS: list[tuple[str, object, Permission]] = [
    ("applications", __("Applications to join as a therapist"), Permission.REVIEW_APPLICATIONS),
    ("staff", __("Staff and their roles"), Permission.MANAGE_STAFF),
    ("audit", __("Audit log"), Permission.AUDIT),
    ("testimonials", __("Therapists' testimonials"), Permission.MANAGE_TESTIMONIALS),
    ("queue", __("Delivery queue of timed messages"), Permission.WATCH_DELIVERY),
    ("inbox", __("Updates from Telegram set aside after failing"), Permission.WATCH_DELIVERY),
    ("refunds", __("Refunds to decide and carry out"), Permission.SEE_REFUNDS),
    ("payouts", __("Payouts due to therapists"), Permission.MARK_PAYOUTS),
    ("pending_payments", __("Sessions waiting for payment (confirm transfers)"), Permission.MARK_PAYOUTS),
    ("stats", __("Platform figures this month"), Permission.SEE_STATS),
    ("therapists", __("Therapists: find, view, pause, hide"), Permission.MANAGE_THERAPISTS),
    ("broadcast", __("Send a message to a group of people"), Permission.BROADCAST),
    ("broadcasts", __("Broadcasts and how they went"), Permission.BROADCAST),
    ("profile_changes", __("Therapists' profile changes to approve"), Permission.MANAGE_THERAPISTS),
]


def main_menu(role: Role) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(text=str(label)) for label in row] for row in MENU_ROWS[role]]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


def commands_for(role: Role, permissions: frozenset[Permission] = frozenset()) -> list[BotCommand]:
    listed = COMMON_COMMANDS + ROLE_COMMANDS[role]
    listed += [(name, description) for name, description, needed in STAFF_COMMANDS if needed in permissions]
    return [BotCommand(command=name, description=str(description)) for name, description in listed]


def role_title(role: Role) -> str:
    return {
        Role.CLIENT: _("client"),
        Role.APPLICANT: _("applicant"),
        Role.THERAPIST: _("therapist"),
        Role.ADMIN: _("administrator"),
    }[role]
