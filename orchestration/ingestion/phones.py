"""Phone-number normalisation to E.164, and the number's destination, with the `phonenumbers` library."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import carrier as phone_carrier

DEFAULT_REGION = "GB"


class Normalised(NamedTuple):
    """A valid number in E.164, its country (ISO alpha-2, None for non-geographic
    numbers) and the original carrier of its range (None where libphonenumber names none)."""

    e164: str
    country: str | None
    carrier: str | None


_INVALID = None


@lru_cache(maxsize=1_000_000)
def normalise(raw: str | None, region: str | None = DEFAULT_REGION) -> Normalised | None:
    """`raw` read with `region` when it has no country code; None when it is not a valid number.

    One parse and one region look-up per number (the costly part of libphonenumber);
    the carrier is the range's entry in libphonenumber's offline carrier data, so a
    number ported to another network still shows its range's original carrier.
    Cached: the same number appears on many rows and in every nightly run.
    """
    if raw is None or not raw.strip():
        return _INVALID
    try:
        parsed = phonenumbers.parse(raw.strip(), (region or DEFAULT_REGION).upper())
    except phonenumbers.NumberParseException:
        return _INVALID
    number_region = phonenumbers.region_code_for_number(parsed)
    # What is_valid_number does, keeping the region it finds.
    if number_region is None or not phonenumbers.is_valid_number_for_region(parsed, number_region):
        return _INVALID
    country = number_region if len(number_region) == 2 and number_region.isalpha() else None
    return Normalised(
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        country,
        phone_carrier.name_for_valid_number(parsed, "en") or None,
    )


def to_e164(raw: str | None, region: str | None = DEFAULT_REGION) -> str | None:
    """The E.164 form of `raw`, read with `region` when it has no country code; None when invalid."""
    number = normalise(raw, region)
    return number.e164 if number else None


def destination(e164: str | None) -> tuple[str | None, str | None]:
    """(country, carrier) of an E.164 number; (None, None) when it is not a valid number."""
    number = normalise(e164, DEFAULT_REGION) if e164 and e164.startswith("+") else None
    return (number.country, number.carrier) if number else (None, None)
