"""A deliverability incident: one carrier's route degrades for a few days.

Senders route each destination network through the provider that serves it best
(least-cost routing): the largest account (acc_001) sends its SMS to O2 UK numbers
through Twilio. In the middle of the period Twilio's route to O2 UK degrades: for
`INCIDENT_DAYS` days, most messages sent through Twilio to O2 UK numbers (any account)
that would have been delivered are filtered by the carrier instead (Twilio
`undelivered`, error 30007 "carrier filtering", a soft bounce). The carrier of a number
is its range's original carrier by libphonenumber's offline data (`phonenumbers.carrier`),
as the warehouse reads it.
"""

from __future__ import annotations

import duckdb
import phonenumbers
from phonenumbers import carrier as pn_carrier

from orchestration.generate.sqlkit import load_table

COUNTRY_CALLING_CODE = "44"  # GB
CARRIER = "O2"
PROVIDER = "twilio"
ROUTED_ACCOUNT = 0  # account index whose CARRIER traffic goes through PROVIDER
INCIDENT_DAYS = 3
P_FILTERED = 0.6  # of the messages that would have been delivered


def incident_days(days: int) -> range:
    """Day indexes of the incident: `INCIDENT_DAYS` days from the middle of the period
    (days 3-5 of a week), after at least one normal day; none for periods under 3 days."""
    if days < 3:
        return range(0)
    first = days // 2
    return range(first, min(days, first + INCIDENT_DAYS))


def range_carrier(e164: str | None) -> str | None:
    """The original carrier of the number's range (English name), or None."""
    if not e164:
        return None
    try:
        return pn_carrier.name_for_number(phonenumbers.parse(e164), "en") or None
    except phonenumbers.NumberParseException:
        return None


def load_carriers(con: duckdb.DuckDBPyConnection, n_valid: int) -> None:
    """Temp table `contact_carriers` (c, carrier) from `contact_base`: the range carrier of
    each valid contact of the incident's country (numbers looked up in Python, once each)."""
    rows = con.execute(f"""
        select c, '+' || cc || nsn from (
            select c, cc_of(c, region) as cc, nsn(c, region) as nsn from contact_base
            where c < {int(n_valid)})
        where cc = '{COUNTRY_CALLING_CODE}' order by c""").fetchall()
    load_table(con, "contact_carriers", {"c": "bigint", "carrier": "varchar"},
               [(c, range_carrier(e164)) for c, e164 in rows])


def is_incident_sql(days: int) -> str:
    """SQL condition on a message of `m` (columns sent_s, provider, carrier, g, sent day
    `sent_day`) whose delivery the incident turns into a carrier-filtered soft bounce."""
    inc = incident_days(days)
    if not inc:
        return "false"
    return (f"(sent_day between {inc.start} and {inc.stop - 1} and provider = '{PROVIDER}' "
            f"and carrier = '{CARRIER}' and ru('incident', g, 0) < {P_FILTERED})")
