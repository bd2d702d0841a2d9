"""Delivery: the one outbound path for messages the bot sends on its own initiative."""
from bot.delivery.deliver import Delivery
from bot.delivery.limits import RealSleeper, SendLimits, Sleeper

__all__ = ["Delivery", "RealSleeper", "SendLimits", "Sleeper"]
