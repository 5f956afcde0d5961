"""Phone-number normalisation to E.164 with the `phonenumbers` library."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import carrier as phone_carrier

DEFAULT_REGION = "GB"


@lru_cache(maxsize=1_000_000)
def to_e164(raw: str, region: str | None = DEFAULT_REGION) -> str | None:
    """The E.164 form of `raw`, read with `region` when it has no country code.

    Returns None for a number that cannot be parsed or is not a valid number.
    Cached: the same number appears on many rows and in every nightly run.
    """
    if raw is None:
        return None
    candidate = raw.strip()
    if not candidate:
        return None
    try:
        parsed = phonenumbers.parse(candidate, (region or DEFAULT_REGION).upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=1_000_000)
def destination(e164: str | None) -> tuple[str | None, str | None]:
    """(country, carrier) of an E.164 number, from libphonenumber's offline data.

    The country is the ISO 3166 alpha-2 region of the number (None for
    non-geographic numbers such as +800). The carrier is the original carrier of
    the number range, not the one the number may have been ported to since; None
    where libphonenumber names none (fixed lines, most North American ranges).
    """
    if not e164:
        return None, None
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None, None
    region = phonenumbers.region_code_for_number(parsed)
    country = region if region and len(region) == 2 and region.isalpha() else None
    return country, phone_carrier.name_for_number(parsed, "en") or None
