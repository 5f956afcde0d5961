"""How numbers, rates, money and times are shown. site.js formats the index totals the same way."""

from __future__ import annotations

import html
import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def esc(value) -> str:
    """HTML-escape any value from data (names and bodies are user content); None -> ''."""
    return "" if value is None else html.escape(str(value), quote=True)


def integer(value) -> str:
    return DASH if value is None else f"{int(value):,}"


def rate(value) -> str:
    """0..1 as a percentage with one decimal, rounded half up (as site.js does)."""
    if value is None:
        return DASH
    return f"{math.floor(float(value) * 1000 + 0.5) / 10:.1f}%"


def cents(value) -> int:
    """Money (DECIMAL(18,2)) as whole cents, so totals add exactly (also in site.js)."""
    return int((Decimal(value or 0) * 100).to_integral_value())


def money_cents(amount_cents: int, currency: str | None) -> str:
    text = f"{Decimal(amount_cents) / 100:,.2f}"
    return f"{text} {currency}" if currency else text


def money(value, currency: str | None) -> str:
    return DASH if value is None else money_cents(cents(value), currency)


def time(value: datetime | None) -> str:
    return DASH if value is None else value.strftime("%Y-%m-%d %H:%M")


def iso(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%dT%H:%M:%S")


def amount(value, currency: str | None, places: int) -> str:
    """A cost (DECIMAL(18,6)) with `places` decimals, rounded half up, and its currency."""
    if value is None:
        return DASH
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    return f"{text} {currency}" if currency else text
