"""How many of each thing to generate for a requested number of messages."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Entity counts derived from `messages` and `days`."""

    messages: int
    days: int
    contacts: int  # valid contacts, all accounts
    invalid_contacts: int
    campaigns: int  # campaigns with messages
    drafts: int  # campaigns without messages

    @classmethod
    def of(cls, messages: int, days: int) -> Scale:
        if messages < 1 or days < 1:
            raise ValueError("messages and days must be >= 1")
        contacts = max(40, messages // 20 + min(messages, 8000) // 3)
        campaigns = max(8, round(0.2 * math.sqrt(messages)))
        campaigns = min(campaigns, max(4, messages // 10))
        return cls(
            messages=messages,
            days=days,
            contacts=contacts,
            invalid_contacts=max(4, round(contacts * 0.002)),
            campaigns=campaigns,
            drafts=max(1, round(campaigns * 0.08)),
        )


# Event rates (per message unless stated); see docs/RULES.md, Delivery status for the statuses they produce.
OUTCOMES = (  # cumulative upper bounds of a uniform draw, for contacts not "dead"
    ("delivered", 0.870),
    ("soft", 0.905),
    ("hard", 0.930),
    ("not_sent", 0.940),
    ("deleted", 0.943),
    ("pending_only", 0.958),
    ("none", 1.0),
)
DEAD_CONTACT_RATE = 0.012  # contacts whose every message hard-bounces
P_INT1, P_INT2 = 0.80, 0.60  # intermediate receipts before the final
P_CONFLICT = 0.004  # a second, contradicting final receipt
P_UNKNOWN_STATUS = 0.003  # an intermediate with a status outside the vocabulary
P_LATE_RECEIPT = 0.01  # received 1-3 days after the event
P_OUT_OF_ORDER = 0.02  # an intermediate received after the final
P_RECEIPT_DUP = 0.01
P_ORPHAN = 0.001
P_NO_RECEIVED_AT = 0.03
P_LATE_MESSAGE = 0.004  # send-log row lands in the next day's folder
P_MESSAGE_DUP = 0.001
P_CLICK = 0.05  # of delivered messages
P_CLICK_DUP = 0.01
P_CLICK_NO_ID = 0.03
P_ORDER_PER_CLICK = 0.055
ORGANIC_ORDERS = 0.0015  # orders without a click, per message
P_ORDER_UPDATE = 0.1
P_ORDER_BY_PHONE = 0.25
P_UNSUB = 0.003
ORGANIC_UNSUBS = 0.0003
P_UNSUB_DUP = 0.03
P_UNSUB_BY_PHONE = 0.2
P_CONTACT_UPDATE = 0.01
BAD_ROW_RATE = 0.0004  # per bad-row kind, of an entity's rows that day
