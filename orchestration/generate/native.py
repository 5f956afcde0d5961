"""Provider-native receipts (docs/PROVIDERS.md): for a share of the Twilio, Vonage and Sinch
messages, every receipt of table `r` is written as the provider itself sends it instead of a
generic `receipts` row: Twilio status callbacks (JSON, RawDlrDoneDate only on delivered and
undelivered) plus the next day's Message resource export (RFC 2822 dates, negative prices),
Vonage delivery receipts (query strings or JSON, scts to the minute, a price on the final one)
and Sinch recipient delivery reports (operator_status_at on final statuses). Duplicates,
orphans, late and out-of-order arrivals come from `r` as for the generic receipts.
"""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers
from orchestration.generate.plan import DAY, Plan

P_NATIVE = 0.15  # of the Twilio, Vonage and Sinch messages

# SQL: whether row `g` of `r` (or `m`) is delivered natively.
NATIVE = f"(provider in ('twilio', 'vonage', 'sinch') and ru('nat', g, 0) < {P_NATIVE})"

# Example price-per-segment the providers report in the generated data.
TWILIO_PRICE, VONAGE_PRICE = "0.0079", "0.0333"

# Buffer columns of each entity, with the providers' own field names.
COLUMNS: dict[str, tuple[str, ...]] = {
    "twilio_messages": ("sid", "account_sid", "api_version", "status", "error_code", "direction",
                        "num_segments", "price", "price_unit", "date_created", "date_sent",
                        "date_updated"),
    "twilio_status_callbacks": ("SmsSid", "SmsStatus", "MessageStatus", "MessageSid", "AccountSid",
                                "ApiVersion", "ErrorCode", "RawDlrDoneDate", "received_at"),
    "vonage_dlr": ("to", "network-code", "messageId", "price", "status", "scts", "err-code",
                   "api-key", "client-ref", "message-timestamp"),
    "sinch_delivery_reports": ("type", "batch_id", "code", "status", "at", "operator_status_at",
                               "client_reference"),
}

_ACCOUNT_SID = "'AC' || md5('mmsreport-demo-account')"


def _rfc2822(s: str) -> str:
    return f"strftime(tsx({s}), '%a, %d %b %Y %H:%M:%S +0000')"


def _iso_ms(s: str, tag: str) -> str:
    return (f"strftime(tsx({s}), '%Y-%m-%dT%H:%M:%S') || '.' || lpad(ri('{tag}', g, k, 1000)::varchar, 3, '0')"
            " || 'Z'")


def stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, dict[str, int]]:
    """Stage the native rows of `r` into their buffers; returns rows and duplicates per entity."""
    fd = f"(recv_s + shift - {plan.epoch0}) // {DAY} as fd"
    keys = "recv_s + shift + 30 * dup as sk, (g * 8 + k) * 16 + dup as tk"
    received = "recv_s + shift"
    selects = {
        "twilio_status_callbacks": f"""
            select pmid('twilio', gid) as "SmsSid", lower(status) as "SmsStatus",
                lower(status) as "MessageStatus", pmid('twilio', gid) as "MessageSid",
                {_ACCOUNT_SID} as "AccountSid", '2010-04-01' as "ApiVersion", error_code as "ErrorCode",
                case when lower(status) in ('delivered', 'undelivered')
                    then strftime(tsx(event_s), '%y%m%d%H%M') end as "RawDlrDoneDate",
                iso({received}, ri('tf', g, 30 + k, 100)) as received_at, {fd}, {keys}
            from r where provider = 'twilio' and {{where}}""",
        "vonage_dlr": f"""
            select 'SHOPSMS' as "to", '23415' as "network-code", pmid('vonage', gid) as "messageId",
                case when k = 2 then printf('%.8f', seg_base * {VONAGE_PRICE}) end as price,
                lower(status) as status, strftime(tsx(event_s), '%y%m%d%H%M') as scts,
                error_code as "err-code", 'a1b2c3d4' as "api-key",
                case when ri('cref', g, 0, 10) < 4 then msg_id(gid) end as "client-ref",
                strftime(tsx({received}), '%Y-%m-%d %H:%M:%S') as "message-timestamp", {fd}, {keys}
            from r where provider = 'vonage' and {{where}}""",
        "sinch_delivery_reports": f"""
            select 'recipient_delivery_report_sms' as type, pmid('sinch', gid) as batch_id,
                coalesce(error_code, case lower(status) when 'queued' then '400'
                    when 'dispatched' then '401' when 'aborted' then '402'
                    when 'cancelled' then '407' else '0' end) as code,
                status, {_iso_ms(received, 'ms')} as "at",
                case when k >= 2 then strftime(tsx(event_s), '%Y-%m-%dT%H:%M:%SZ') end
                    as operator_status_at,
                case when ri('cref', g, 0, 10) < 5 then msg_id(gid) end as client_reference, {fd}, {keys}
            from r where provider = 'sinch' and {{where}}""",
    }
    out = {}
    for entity, sql in selects.items():
        n = buffers.insert(con, entity, sql.format(where=f"{NATIVE} and dup = 0"), plan.days)
        dups = buffers.insert(con, entity, sql.format(where=f"{NATIVE} and dup = 1"), plan.days)
        out[entity] = {"rows": n, "duplicates": dups}
    # The console / REST export of the next day: one Message resource per message with a final status.
    export = f"""
        select pmid('twilio', gid) as sid, {_ACCOUNT_SID} as account_sid, '2010-04-01' as api_version,
            lower(status) as status, error_code, 'outbound-api' as direction,
            seg_base::varchar as num_segments,
            case when lower(status) in ('delivered', 'undelivered', 'read')
                then '-' || printf('%.5f', seg_base * {TWILIO_PRICE}) end as price,
            'USD' as price_unit, {_rfc2822('sent_s')} as date_created,
            {_rfc2822('sent_s + 1')} as date_sent, {_rfc2822('event_s')} as date_updated,
            (final_recv_s - {plan.epoch0}) // {DAY} + 1 as fd, final_recv_s + {DAY} as sk,
            (g * 8 + k) * 16 as tk
        from r where provider = 'twilio' and {NATIVE} and k = 2 and dup = 0"""
    out["twilio_messages"] = {"rows": buffers.insert(con, "twilio_messages", export, plan.days),
                              "duplicates": 0}
    return out
