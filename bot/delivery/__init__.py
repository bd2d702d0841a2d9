"""Delivery: the one outbound path for messages the bot sends on its own initiative."""
from bot.delivery.deliver import Delivery
from bot.delivery.limits import Budget, LocalBudget, RealSleeper, RedisBudget, SendLimits, Sleeper

__all__ = ["Budget", "Delivery", "LocalBudget", "RealSleeper", "RedisBudget", "SendLimits", "Sleeper"]
