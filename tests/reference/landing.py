"""Read and validate landing files the way docs/RULES.md, Input files / Loading guarantees describes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from pathlib import Path

import phonenumbers
import pyarrow.parquet as pq

REQUIRED = {
    "accounts": ["account_id"],
    "campaigns": ["campaign_id", "account_id", "name", "message_type"],
    "contacts": ["contact_id", "account_id", "phone_number"],
    "messages": ["message_id", "campaign_id", "contact_id", "sent_at"],
    "receipts": ["provider", "status", "event_at"],
    "clicks": ["message_id", "clicked_at"],
    "orders": ["order_id", "account_id", "ordered_at", "revenue"],
    "unsubscribes": ["account_id", "unsubscribed_at"],
}
TIMESTAMPS = {"updated_at", "created_at", "sent_at", "event_at", "received_at", "clicked_at", "ordered_at",
              "unsubscribed_at"}
BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def parse_ts(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def e164(raw: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _open_text(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def read_records(path: Path) -> list[dict]:
    """Records of one tabular file as dicts of lower-case name -> text (or None)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        reader = csv.reader(io.StringIO(_open_text(path), newline=""))
        header = [h.strip().lower() for h in next(reader)]
        rows = []
        for values in reader:
            if len(values) != len(header):
                rows.append(None)  # a record the CSV parser cannot split: rejected
                continue
            rows.append(dict(zip(header, values, strict=True)))
        return rows
    if name.endswith((".jsonl", ".ndjson")):
        rows = []
        for line in _open_text(path).splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                rows.append(None)
                continue
            rows.append({k.lower(): (None if v is None else v if isinstance(v, str) else json.dumps(v))
                         for k, v in obj.items()} if isinstance(obj, dict) else None)
        return rows
    if name.endswith(".parquet"):
        table = pq.read_table(path)
        return [{k.lower(): (None if v is None else str(v)) for k, v in row.items()} for row in table.to_pylist()]
    raise ValueError(f"unknown format {path}")


_EMPTY_TEXT = re.compile(r"(?<!\S)text:\s+(?=(?:id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text)\s*:)",
                         re.IGNORECASE)
_SMPP_FIELD = re.compile(r"(id|stat|err|submit date|done date):(\S*)", re.IGNORECASE)


def _smpp_date(text: str) -> datetime:
    if len(text) == 10:
        return datetime.strptime(text, "%y%m%d%H%M")
    if len(text) == 12:
        return datetime.strptime(text, "%y%m%d%H%M%S")
    return datetime.strptime(text, "%Y%m%d%H%M%S")


def read_smpp(path: Path) -> list[dict | None]:
    rows = []
    for line in _open_text(path).splitlines():
        if not line.strip():
            continue
        line = _EMPTY_TEXT.sub(" ", line)  # an empty `text:` never swallows the fields after it
        head = re.split(r"\btext:", line, maxsplit=1, flags=re.IGNORECASE)[0]
        head = re.sub(r"\s+", " ", head)
        fields = {}
        for key, value in _SMPP_FIELD.findall(head):
            fields.setdefault(key.lower(), value)
        try:
            rows.append({
                "provider": "smpp", "provider_message_id": fields["id"], "message_id": None,
                "status": fields["stat"], "error_code": fields.get("err"),
                "event_at": _smpp_date(fields["done date"]), "received_at": None,
            })
        except (KeyError, ValueError):
            rows.append(None)
    return rows


# Provider-native entities (docs/PROVIDERS.md), read the way their documentation describes them.
NATIVE_ENTITIES = ("twilio_messages", "twilio_status_callbacks", "vonage_dlr", "sinch_delivery_reports")
VONAGE_CURRENCY = "EUR"


def _loose(record: dict) -> dict:
    """Field names without case, `_`, `-` or spaces; empty values are None."""
    out = {}
    for key, value in record.items():
        name = "".join(ch for ch in key.lower() if ch.isalnum())
        value = value.strip() if isinstance(value, str) else value
        out.setdefault(name, value if value not in ("", None) else None)
    return out


def _any_date(text: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 (Twilio), as UTC; raises ValueError when it is neither."""
    if text is None:
        return None
    try:
        return parse_ts(text)
    except ValueError:
        value = parsedate_to_datetime(text)
        return value.astimezone(UTC).replace(tzinfo=None)


def _minute_date(text: str | None) -> datetime | None:
    return None if text is None else _smpp_date(text)


def _price(text: str | None) -> Decimal | None:
    return None if text is None else abs(Decimal(text)).quantize(Decimal("0.000001"))


def _native_receipt(entity: str, f: dict) -> dict | None:
    """A provider-native record as a generic receipt (with price), or None when rejected."""
    try:
        if entity == "twilio_messages":
            if not f.get("sid") or not f.get("status"):
                return None
            if (f.get("direction") or "").lower().startswith("inbound"):
                return {}  # loaded, but not a receipt
            updated, sent = _any_date(f.get("dateupdated")), _any_date(f.get("datesent") or f.get("sentdate"))
            received = _any_date(f.get("receivedat"))
            price = _price(f.get("price"))
            return {"provider": "twilio", "provider_message_id": f["sid"], "message_id": None,
                    "status": f["status"].lower(), "error_code": f.get("errorcode"),
                    "event_at": updated or sent or received, "received_at": received, "price": price,
                    "price_currency": (f.get("priceunit") or "USD").upper() if price is not None else None}
        if entity == "twilio_status_callbacks":
            if not f.get("messagesid") or not f.get("messagestatus"):
                return None
            done, received = _minute_date(f.get("rawdlrdonedate")), _any_date(f.get("receivedat"))
            return {"provider": "twilio", "provider_message_id": f["messagesid"], "message_id": None,
                    "status": f["messagestatus"].lower(), "error_code": f.get("errorcode"),
                    "event_at": done or received, "received_at": received, "price": None, "price_currency": None}
        if entity == "vonage_dlr":
            if not f.get("messageid") or not f.get("status"):
                return None
            scts, stamp = _minute_date(f.get("scts")), _any_date(f.get("messagetimestamp"))
            received = _any_date(f.get("receivedat"))
            price = _price(f.get("price"))
            return {"provider": "vonage", "provider_message_id": f["messageid"], "message_id": f.get("clientref"),
                    "status": f["status"].lower(), "error_code": f.get("errcode"),
                    "event_at": scts or stamp or received, "received_at": received, "price": price,
                    "price_currency": VONAGE_CURRENCY if price is not None else None}
        if entity == "sinch_delivery_reports":
            if not f.get("batchid") or not f.get("status"):
                return None
            operator, at = _any_date(f.get("operatorstatusat")), _any_date(f.get("at"))
            received = _any_date(f.get("receivedat"))
            return {"provider": "sinch", "provider_message_id": f["batchid"], "message_id": f.get("clientreference"),
                    "status": f["status"], "error_code": f.get("code"),
                    "event_at": operator or at or received, "received_at": received, "price": None,
                    "price_currency": None}
    except (ValueError, TypeError, InvalidOperation):
        return None
    raise ValueError(entity)


def read_query_strings(path: Path) -> list[dict | None]:
    """One webhook query string per line (a request line before `?` is dropped)."""
    rows = []
    for line in _open_text(path).splitlines():
        if not line.strip():
            continue
        query = re.sub(r"\s+HTTP/[0-9.]+$", "", re.sub(r"^[^?=&]*\?", "", line.strip()))
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        rows.append({k: v for k, v in reversed(pairs)} if pairs else None)
    return rows


def read_native(entity: str, path: Path) -> list[dict | None]:
    """Generic receipts of one provider file: a dict per receipt, {} for a row that is no receipt,
    None for a rejected row."""
    name = path.name.lower().removesuffix(".gz")
    records = read_query_strings(path) if name.endswith((".log", ".txt", ".qs")) else read_records(path)
    out = []
    for record in records:
        receipt = None if record is None else _native_receipt(entity, _loose(record))
        if receipt and receipt["event_at"] is None:
            receipt = None
        out.append(receipt)
    return out


@dataclass
class Landing:
    """Valid rows per entity, each with its ordering key (path, row number)."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)


def _clean(row: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) and v.strip() else None) if not isinstance(v, datetime) else v
            for k, v in row.items()}


def _validate(entity: str, row: dict, regions: dict[str, str]) -> dict | None:
    """The typed row, or None when docs/RULES.md, Loading guarantees rejects it."""
    if any(row.get(c) is None for c in REQUIRED.get(entity, [])):
        return None
    out = dict(row)
    try:
        for key in TIMESTAMPS & row.keys():
            if row[key] is not None and not isinstance(row[key], datetime):
                out[key] = parse_ts(row[key])
        if row.get("segments") is not None:
            out["segments"] = int(row["segments"])
        if row.get("attribution_window_hours") is not None:
            out["attribution_window_hours"] = int(row["attribution_window_hours"])
        if entity == "orders":
            out["revenue"] = Decimal(row["revenue"]).quantize(Decimal("0.01"))
            if out["revenue"] < 0:
                return None
    except (ValueError, InvalidOperation):
        return None
    if row.get("hard_bounce_suppression") is not None:
        if row["hard_bounce_suppression"].lower() not in BOOLS:
            return None
        out["hard_bounce_suppression"] = BOOLS[row["hard_bounce_suppression"].lower()]
    if entity == "campaigns":
        out["message_type"] = row["message_type"].upper()
        if out["message_type"] not in ("SMS", "MMS"):
            return None
    if entity in ("receipts",) and row.get("message_id") is None and row.get("provider_message_id") is None:
        return None
    if entity in ("orders", "unsubscribes") and row.get("contact_id") is None and row.get("phone_number") is None:
        return None
    if entity == "orders":
        out["status"] = (row.get("status") or "completed").lower()
        if out["status"] not in ("completed", "cancelled", "refunded"):
            return None
        out["currency"] = row["currency"].upper() if row.get("currency") else None
    if row.get("provider"):
        out["provider"] = row["provider"].lower()
    if entity in ("contacts", "orders", "unsubscribes") and row.get("phone_number") is not None:
        out["phone_number"] = e164(row["phone_number"], regions.get(row["account_id"], "GB"))
        if out["phone_number"] is None:
            return None
    return out


def read_landing(landing: Path) -> Landing:
    result = Landing()
    regions: dict[str, str] = {}
    for entity in ["accounts", "campaigns", "contacts", "messages", "receipts", "smpp_receipts", "clicks",
                   "orders", "unsubscribes"]:
        target = "receipts" if entity == "smpp_receipts" else entity
        result.rows.setdefault(target, [])
        result.rejected.setdefault(entity, 0)
        files = sorted(p for p in (landing / entity).rglob("*") if p.is_file())
        for path in files:
            relative = path.relative_to(landing).as_posix()
            records = read_smpp(path) if entity == "smpp_receipts" else read_records(path)
            for number, record in enumerate(records, start=1):
                typed = None if record is None else _validate(target, _clean(record), regions)
                if typed is None:
                    result.rejected[entity] += 1
                    continue
                typed["_key"] = (relative, number)
                result.rows[target].append(typed)
        if entity == "accounts":
            for account in latest_versions(result.rows["accounts"], "account_id").values():
                regions[account["account_id"]] = (account.get("default_region") or "GB").upper()
    for entity in NATIVE_ENTITIES:
        result.rejected[entity] = 0
        for path in sorted(p for p in (landing / entity).rglob("*") if p.is_file()):
            relative = path.relative_to(landing).as_posix()
            for number, receipt in enumerate(read_native(entity, path), start=1):
                if receipt is None:
                    result.rejected[entity] += 1
                elif receipt:
                    result.rows["receipts"].append({**receipt, "_key": (relative, number)})
    return result


def latest_versions(rows: list[dict], key: str) -> dict[str, dict]:
    """docs/RULES.md, Versions and repeats: latest updated_at wins; missing is oldest; ties -> later file, later row."""
    best: dict[str, dict] = {}
    for row in rows:
        rank = (row.get("updated_at") is not None, row.get("updated_at") or datetime.min, row["_key"])
        current = best.get(row[key])
        if current is None or rank > current[0]:
            best[row[key]] = (rank, row)
    return {k: v for k, (_, v) in best.items()}


def first_occurrences(rows: list[dict], key) -> list[dict]:
    """docs/RULES.md, Versions and repeats: a repeated event counts once, keeping the first by (path, row)."""
    seen: dict = {}
    for row in sorted(rows, key=lambda r: r["_key"]):
        seen.setdefault(key(row), row)
    return list(seen.values())
