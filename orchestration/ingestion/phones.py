"""Phone-number normalisation to E.164 with the `phonenumbers` library."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

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
