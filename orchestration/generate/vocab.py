"""Provider status vocabularies and other small word lists used by the generator.

Each receipt *kind* (the generator's internal outcome of one receipt row) maps, per
provider, to weighted (status, error_code) choices in that provider's own wording.
Weights of one list add up to 100 (they become hash buckets in SQL).
"""

from __future__ import annotations

Choice = tuple[str, str | None, int]

# kind -> [(status, error_code, weight)], per provider (docs/RULES.md, Delivery status vocabularies).
RECEIPT_VOCAB: dict[str, dict[str, list[Choice]]] = {
    "twilio": {
        "int1": [("queued", None, 90), ("accepted", None, 10)],
        "int2": [("sent", None, 85), ("sending", None, 15)],
        "delivered": [("delivered", None, 97), ("read", None, 3)],
        "soft": [("undelivered", "30003", 40), ("undelivered", "30007", 25),
                 ("undelivered", "30008", 35)],
        "hard": [("undelivered", "30005", 35), ("undelivered", "30004", 20),
                 ("undelivered", "30006", 25), ("failed", "30005", 12), ("failed", "30008", 8)],
        "dead": [("undelivered", "30005", 60), ("undelivered", "30006", 20),
                 ("failed", "30005", 20)],
        "not_sent": [("failed", "21610", 85), ("canceled", None, 15)],
        "deleted": [("undelivered", "30004", 100)],
        "unknown": [("receiving", None, 50), ("partially_delivered", None, 50)],
        # the deliverability incident (generate/incident.py): carrier filtering
        "filtered": [("undelivered", "30007", 100)],
    },
    "vonage": {
        "int1": [("accepted", None, 100)],
        "int2": [("buffered", None, 90), ("unknown", "1", 10)],
        "delivered": [("delivered", "0", 100)],
        "soft": [("expired", "2", 70), ("expired", "7", 30)],
        "hard": [("failed", "3", 35), ("failed", "9", 25), ("rejected", "4", 25),
                 ("rejected", "14", 15)],
        "dead": [("failed", "3", 70), ("failed", "9", 30)],
        "not_sent": [("rejected", "6", 100)],
        "deleted": [("failed", "99", 100)],
        "unknown": [("submitted", None, 100)],
    },
    "sinch": {
        "int1": [("Queued", None, 100)],
        "int2": [("Dispatched", None, 90), ("Unknown", None, 10)],
        "delivered": [("Delivered", "0", 100)],
        "soft": [("Expired", "406", 100)],
        "hard": [("Failed", "404", 60), ("Rejected", "403", 40)],
        "dead": [("Failed", "404", 100)],
        "not_sent": [("Aborted", None, 60), ("Cancelled", None, 40)],
        "deleted": [("Deleted", None, 100)],
        "unknown": [("Processing", None, 100)],
    },
    "mm7": {
        "int1": [("Forwarded", None, 100)],
        "int2": [("Deferred", None, 70), ("Indeterminate", None, 30)],
        "delivered": [("Retrieved", "1000", 100)],
        "soft": [("Expired", "4006", 50), ("Unreachable", "3002", 50)],
        "hard": [("Rejected", "4004", 40), ("Unrecognised", "4004", 45),
                 ("Unrecognized", "4004", 15)],
        "dead": [("Unrecognised", "4004", 100)],
        "not_sent": [("Rejected", "4008", 100)],
        "deleted": [("Rejected", "4004", 100)],
        "unknown": [("Pending", None, 100)],
    },
    "smpp": {
        "int1": [("ENROUTE", "000", 80), ("ACCEPTD", "000", 20)],
        "int2": [("ENROUTE", "000", 50), ("ACCEPTD", "000", 30), ("SCHEDLD", "000", 10),
                 ("UNKNOWN", "000", 10)],
        "delivered": [("DELIVRD", "000", 100)],
        "soft": [("EXPIRED", "0FE", 100)],
        "hard": [("UNDELIV", "001", 45), ("UNDELIV", "00B", 25), ("REJECTD", "00D", 30)],
        "dead": [("UNDELIV", "001", 100)],
        "not_sent": [("SKIPPED", "000", 100)],
        "deleted": [("DELETED", "000", 100)],
        "unknown": [("PENDING", "000", 100)],
    },
}

PROVIDERS_SMS = ("twilio", "vonage", "sinch", "smpp")

# Per account index: SMS provider mix as (provider, weight %); MMS always goes via mm7.
PROVIDER_MIX: dict[int, list[tuple[str, int]]] = {
    0: [("twilio", 50), ("smpp", 30), ("vonage", 20)],
    1: [("sinch", 50), ("smpp", 30), ("vonage", 20)],
    2: [("sinch", 40), ("twilio", 30), ("smpp", 30)],
    3: [("twilio", 40), ("vonage", 30), ("smpp", 30)],
}

USER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; moto g54 5G) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36",
    "facebookexternalhit/1.1",
    "WhatsApp/2.24.23.78 i",
)

# Unsubscribe keywords with weights; '' is a web-form opt-out without keyword.
UNSUB_KEYWORDS: list[tuple[str, int]] = [
    ("STOP", 45), ("stop", 10), ("Stop", 5), ("STOPALL", 4), ("UNSUBSCRIBE", 6),
    ("END", 3), ("QUIT", 2), ("ARRET", 3), ("Stopp", 2), ("", 20),
]

FOREIGN_CURRENCY = {"GBP": ("EUR", "USD"), "EUR": ("GBP", "USD")}


def buckets(choices: list[tuple]) -> list[tuple]:
    """Expand weighted choices (last item = weight) into 100 hash buckets."""
    out: list[tuple] = []
    for choice in choices:
        out.extend([choice[:-1]] * choice[-1])
    if len(out) != 100:
        raise ValueError(f"weights must add up to 100: {choices}")
    return out
