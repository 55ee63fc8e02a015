"""What a member can be told about, and how each kind is delivered unless they choose otherwise.

A kind's delivery is one of: in the app only, e-mail at once, in the daily digest, in the weekly
digest, or off. Exchange events can never be switched off in the app: an exchange waits on its
members, so they must always see what happened to it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MESSAGE = "message", _("New message")
    EXCHANGE_PROPOSED = "exchange_proposed", _("Exchange proposed to you")
    EXCHANGE_ACCEPTED = "exchange_accepted", _("Exchange accepted")
    EXCHANGE_DECLINED = "exchange_declined", _("Exchange declined")
    EXCHANGE_CANCELLED = "exchange_cancelled", _("Exchange cancelled")
    EXCHANGE_RECORDED = "exchange_recorded", _("Hours recorded, waiting for you to confirm")
    EXCHANGE_CONFIRMED = "exchange_confirmed", _("Exchange confirmed")
    EXCHANGE_DISPUTED = "exchange_disputed", _("Exchange disputed")
    EXCHANGE_RESOLVED = "exchange_resolved", _("Dispute resolved")
    AUTO_CONFIRM_SOON = "auto_confirm_soon", _("Hours about to be confirmed automatically")
    AUTO_CONFIRM_FAILED = "auto_confirm_failed", _("Hours that could not be confirmed automatically")
    CREDITS_RECEIVED = "credits_received", _("Credits received (donation or grant)")
    MEMBERSHIP_APPLICATION = "membership_application", _("Application to a community you coordinate")
    MEMBERSHIP_DECIDED = "membership_decided", _("Outcome of your application")
    MESSAGE_REPORTED = "message_reported", _("A message reported to the coordinators of your community")
    LISTING_HIDDEN = "listing_hidden", _("Your offer or request hidden by a coordinator")
    LISTING_EXPIRING = "listing_expiring", _("Your offer or request about to expire")
    NUDGE = "nudge", _("Reminders about proposals and messages waiting on you")
    WEEKLY_SUMMARY = "weekly_summary", _("Weekly summary of matches and exchanges waiting on you")
    MARKED_OFFLINE = "marked_offline", _("Members marked as offline, so coordinators may record exchanges for them")
    LEDGER_APPROVAL_REQUESTED = "ledger_approval_requested", _("A grant or limit change waiting for your approval")
    LEDGER_POWER_USED = "ledger_power_used", _("Grants, reversals and limit changes by coordinators")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In Hexitime only")
    EMAIL = "email", _("E-mail at once")
    DAILY = "daily", _("Daily digest e-mail")
    WEEKLY = "weekly", _("Weekly digest e-mail")
    OFF = "off", _("Off")


@dataclass(frozen=True)
class KindRules:
    default: Delivery
    can_turn_off: bool = True
    choices: tuple[Delivery, ...] = (Delivery.IN_APP, Delivery.EMAIL, Delivery.DAILY, Delivery.WEEKLY, Delivery.OFF)

    def allowed(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.choices if self.can_turn_off or d != Delivery.OFF)

    def effective(self, chosen: str | None) -> str:
        """The member's choice when this kind allows it (a stored "off" for an exchange event does
        not count), otherwise the default."""
        return str(chosen) if chosen in self.allowed() else str(self.default)


_EXCHANGE = KindRules(default=Delivery.EMAIL, can_turn_off=False)

RULES: dict[str, KindRules] = {
    Kind.MESSAGE: KindRules(default=Delivery.EMAIL),
    Kind.EXCHANGE_PROPOSED: _EXCHANGE,
    Kind.EXCHANGE_ACCEPTED: _EXCHANGE,
    Kind.EXCHANGE_DECLINED: _EXCHANGE,
    Kind.EXCHANGE_CANCELLED: _EXCHANGE,
    Kind.EXCHANGE_RECORDED: _EXCHANGE,
    Kind.EXCHANGE_CONFIRMED: _EXCHANGE,
    Kind.EXCHANGE_DISPUTED: _EXCHANGE,
    Kind.EXCHANGE_RESOLVED: _EXCHANGE,
    Kind.AUTO_CONFIRM_SOON: _EXCHANGE,
    Kind.AUTO_CONFIRM_FAILED: _EXCHANGE,
    Kind.CREDITS_RECEIVED: KindRules(default=Delivery.EMAIL),
    Kind.MEMBERSHIP_APPLICATION: KindRules(default=Delivery.EMAIL),
    Kind.MEMBERSHIP_DECIDED: KindRules(default=Delivery.EMAIL),
    Kind.MESSAGE_REPORTED: KindRules(default=Delivery.EMAIL),
    Kind.LISTING_HIDDEN: KindRules(default=Delivery.EMAIL),
    Kind.LISTING_EXPIRING: KindRules(default=Delivery.EMAIL),
    Kind.NUDGE: KindRules(default=Delivery.EMAIL),
    Kind.LEDGER_APPROVAL_REQUESTED: KindRules(default=Delivery.EMAIL),
    Kind.LEDGER_POWER_USED: KindRules(default=Delivery.EMAIL),
    # Someone may now record exchanges for a member: they and the other coordinators must hear of it.
    Kind.MARKED_OFFLINE: KindRules(default=Delivery.EMAIL, can_turn_off=False),
    # The weekly summary is itself an e-mail: it goes weekly or not at all.
    Kind.WEEKLY_SUMMARY: KindRules(default=Delivery.WEEKLY, choices=(Delivery.WEEKLY, Delivery.OFF)),
}


def rules_for(kind: str) -> KindRules:
    return RULES[kind]


def label(kind: str) -> str | Promise:
    return Kind(kind).label
