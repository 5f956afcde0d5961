"""Landing-zone layout: entity file columns (docs/RULES.md, Input files), file formats, naming."""

from __future__ import annotations

import datetime as dt

from orchestration.generate import native

# File columns per entity, in the order of docs/RULES.md, Input files (accounts also carry updated_at, a
# versioned entity). smpp_receipts files are plain text, one DLR per line.
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id", "name", "currency", "default_region",
                 "hard_bounce_suppression", "attribution_window_hours", "updated_at"),
    "campaigns": ("campaign_id", "account_id", "name", "message_type", "body", "media_url",
                  "created_at", "updated_at"),
    "contacts": ("contact_id", "account_id", "phone_number", "created_at", "updated_at"),
    "messages": ("message_id", "campaign_id", "contact_id", "sent_at", "body", "segments",
                 "provider", "provider_message_id"),
    "receipts": ("message_id", "provider", "provider_message_id", "status", "error_code",
                 "event_at", "received_at"),
    "smpp_receipts": ("line",),
    "clicks": ("click_id", "message_id", "url", "clicked_at", "user_agent"),
    "orders": ("order_id", "account_id", "contact_id", "phone_number", "ordered_at", "revenue",
               "currency", "status", "updated_at"),
    "unsubscribes": ("account_id", "contact_id", "phone_number", "unsubscribed_at", "keyword"),
    **native.COLUMNS,
}

ENTITIES: tuple[str, ...] = tuple(COLUMNS)

# Required columns per docs/RULES.md, Input files ("x|y" = either column).
REQUIRED: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "campaigns": ("campaign_id", "account_id", "name", "message_type"),
    "contacts": ("contact_id", "account_id", "phone_number"),
    "messages": ("message_id", "campaign_id", "contact_id", "sent_at"),
    "receipts": ("message_id|provider_message_id", "provider", "status", "event_at"),
    "clicks": ("message_id", "clicked_at"),
    "orders": ("order_id", "account_id", "contact_id|phone_number", "ordered_at", "revenue"),
    "unsubscribes": ("account_id", "contact_id|phone_number", "unsubscribed_at"),
}

# File format rotation per entity, indexed by the folder's day number.
FORMATS: dict[str, tuple[str, ...]] = {
    "accounts": ("csv", "jsonl"),
    "campaigns": ("csv", "parquet", "jsonl", "csv.gz"),
    "contacts": ("csv.gz", "parquet", "jsonl", "csv"),
    "messages": ("csv", "csv.gz", "parquet", "jsonl", "csv", "ndjson.gz", "csv.gz"),
    "receipts": ("csv", "jsonl", "csv.gz", "parquet", "ndjson.gz"),
    "smpp_receipts": ("log", "log.gz", "txt", "log"),
    "clicks": ("jsonl", "csv", "parquet", "ndjson.gz"),
    "orders": ("csv", "parquet", "jsonl", "csv.gz"),
    "unsubscribes": ("csv", "jsonl", "csv.gz", "parquet"),
    "twilio_messages": ("jsonl", "csv", "jsonl", "ndjson.gz"),
    "twilio_status_callbacks": ("jsonl", "jsonl", "ndjson.gz"),
    "vonage_dlr": ("log", "jsonl", "txt", "log"),
    "sinch_delivery_reports": ("jsonl", "ndjson.gz", "jsonl"),
}

# Extra (ignored downstream) columns written on some days: name -> SQL over the row.
EXTRA_COLUMNS: dict[str, tuple[str, str]] = {
    "messages": ("sender_id", "case provider when 'mm7' then 'MMSC-01' else 'SHOPSMS' end"),
    "receipts": ("network", "case when error_code is null then '23415' else '26201' end"),
    "clicks": ("ip_country", "case when length(url) % 3 = 0 then 'DE' else 'GB' end"),
}

# Minimum number of files per day folder for event entities (exercises path ordering).
MIN_FILES: dict[str, int] = {"receipts": 2, "clicks": 2, "smpp_receipts": 2}
MAX_ROWS_PER_FILE = 500_000


def file_format(entity: str, day: int) -> str:
    formats = FORMATS[entity]
    return formats[day % len(formats)]


def header_style(entity: str, day: int) -> str:
    """'lower' mostly; some files use UPPER or Title_Case headers (provider files: as they write them)."""
    if entity in native.COLUMNS:
        return "console" if entity == "twilio_messages" and file_format(entity, day).startswith("csv") else "lower"
    k = (day + ENTITIES.index(entity)) % 11
    return {3: "upper", 7: "title"}.get(k, "lower")


def has_extra(entity: str, day: int) -> bool:
    return entity in EXTRA_COLUMNS and day % 3 == 1


def styled(name: str, style: str) -> str:
    if style == "upper":
        return name.upper()
    if style == "console":  # the Twilio console's CSV export: SentDate, NumSegments, PriceUnit, ...
        return {"date_sent": "SentDate"}.get(name, "".join(part.capitalize() for part in name.split("_")))
    if style == "title":
        return "_".join(part.capitalize() for part in name.split("_"))
    return name


def folder(entity: str, date: dt.date) -> str:
    return f"{entity}/dt={date.isoformat()}"


def file_name(entity: str, date: dt.date, part: int, ext: str) -> str:
    return f"{entity}_{date:%Y%m%d}_{part:02d}.{ext}"
