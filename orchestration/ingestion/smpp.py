"""Parsing of SMPP delivery-receipt texts, as SMSCs write them.

    id:0123456789 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:Hi

Field names come in any case and order; `sub`, `dlvrd`, `err` and `text` are
optional; dates are YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss (UTC); vendor
fields after `err` are ignored. `text:` runs to the end of the line, so any
field-like words inside it are not read as fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_TEXT = re.compile(r"(?:^|\s)text:", re.IGNORECASE)
_KEYS = r"(?:id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text)\s*:"
_FIELDS = {
    name: re.compile(rf"(?:^|\s){key}:\s*(?!{_KEYS})(\S+)", re.IGNORECASE)
    for name, key in (("id", "id"), ("stat", "stat"), ("err", "err"),
                      ("submit", r"submit[\s_]*date"), ("done", r"done[\s_]*date"))
}
_DATE_FORMATS = {10: "%y%m%d%H%M", 12: "%y%m%d%H%M%S", 14: "%Y%m%d%H%M%S"}


class SmppParseError(ValueError):
    """The line is not a usable SMPP delivery receipt."""


@dataclass(frozen=True)
class SmppReceipt:
    provider_message_id: str
    status: str
    error_code: str | None
    submitted_at: datetime | None
    event_at: datetime


def parse_smpp_date(value: str) -> datetime:
    """Read an SMPP receipt date (YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss), UTC."""
    fmt = _DATE_FORMATS.get(len(value))
    if fmt is None or not value.isdigit():
        raise SmppParseError(f"unparseable date {value!r} (expected YYMMDDhhmm[ss] or YYYYMMDDhhmmss)")
    try:
        return datetime.strptime(value, fmt)
    except ValueError as exc:
        raise SmppParseError(f"unparseable date {value!r}: {exc}") from None


def parse_smpp_receipt(line: str) -> SmppReceipt:
    """Parse one receipt text; raise SmppParseError naming what is wrong."""
    text_match = _TEXT.search(line)
    head = line[: text_match.start()] if text_match else line
    found: dict[str, str] = {}
    for name, pattern in _FIELDS.items():
        match = pattern.search(head)
        if match:
            found[name] = match.group(1)
    missing = [name for name in ("id", "stat", "done") if name not in found]
    if missing:
        labels = {"id": "id", "stat": "stat", "done": "done date"}
        raise SmppParseError("missing field(s): " + ", ".join(labels[m] for m in missing))
    return SmppReceipt(
        provider_message_id=found["id"],
        status=found["stat"].upper(),
        error_code=found.get("err"),
        submitted_at=parse_smpp_date(found["submit"]) if "submit" in found else None,
        event_at=parse_smpp_date(found["done"]),
    )
