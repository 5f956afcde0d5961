"""Delivery receipts of the messages of `m`: provider `receipts` rows and SMPP DLR lines.

Per message (table `m`): up to two intermediate receipts, one final (per its outcome),
rarely a contradicting second final; plus unknown statuses, late and out-of-order
arrivals, exact duplicates and orphan receipts for messages that do not exist.
"""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers
from orchestration.generate import scale as sc
from orchestration.generate.native import NATIVE
from orchestration.generate.plan import DAY, Plan
from orchestration.generate.sqlkit import load_table
from orchestration.generate.vocab import RECEIPT_VOCAB, buckets

ORPHAN_OFFSET = 500_000_000  # message index offset of receipts for unknown messages


def register(con: duckdb.DuckDBPyConnection) -> None:
    load_table(con, "vocab", {"provider": "varchar", "kind": "varchar", "bucket": "integer",
                              "status": "varchar", "error_code": "varchar"}, [
        (p, kind, b, *choice) for p, kinds in RECEIPT_VOCAB.items()
        for kind, choices in kinds.items() for b, choice in enumerate(buckets(choices))])


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create temp table `r`: receipt events of `m` with status, times and a dup flag."""
    con.execute(f"""create or replace temp table r as
    with e as (
        select m.g, m.provider, m.sent_s, m.body, m.final_s, m.final_recv_s, m.seg_base, k.k,
            case k.k when 0 then case when ru('unk', g, 0) < {sc.P_UNKNOWN_STATUS}
                    then 'unknown' else 'int1' end
                when 1 then 'int2' when 2 then outcome
                when 3 then case when outcome = 'delivered' then 'hard' else 'delivered' end
                else 'delivered' end as kind,
            case k.k when 0 then sent_s + 1 + ri('ev', g, 0, 5)
                when 1 then sent_s + 6 + ri('ev', g, 1, 40)
                when 2 then final_s
                when 3 then final_s + 600 + ri('ev', g, 3, 21000)
                else sent_s + 60 + ri('ev', g, 4, 600) end as event_s
        from m, (select unnest([0, 1, 2, 3, 4]) as k) k
        where outcome <> 'none' and case k.k
            when 0 then outcome = 'pending_only' or ru('i1', g, 0) < {sc.P_INT1}
            when 1 then ru('i2', g, 0) < {sc.P_INT2}
            when 2 then outcome <> 'pending_only'
            when 3 then conflict
            else ru('orph', g, 0) < {sc.P_ORPHAN} end
    ), t as (
        select e.*,
            case when k = 2 then final_recv_s
                when k < 2 and final_recv_s is not null and ru('ooo', g, 0) < {sc.P_OUT_OF_ORDER}
                    then final_recv_s + 1 + ri('ooo', g, k, 600)
                else event_s + 1 + ri('lag', g, k, 90) + case
                    when k < 2 and ru('late', g, k) < {sc.P_LATE_RECEIPT}
                    then {DAY} + ri('late', g, k, 2 * {DAY}) else 0 end end as recv_s,
            case when k = 4 then g + {ORPHAN_OFFSET} else g end as gid
        from e
    ), v as (
        select t.*, vocab.error_code,
            case when ru('case', g, k) < 0.02 then
                case when t.provider in ('twilio', 'vonage') then upper(vocab.status)
                    else lower(vocab.status) end
                else vocab.status end as status
        from t join vocab on vocab.provider = t.provider and vocab.kind = t.kind
            and vocab.bucket = ri('vb', g, k, 100)
    )
    select v.*, 0 as dup, 0 as shift from v
    union all
    select v.*, 1 as dup, case when ru('rdsh', g, k) < 0.5 then 0
        else 3600 + ri('rdsh', g, k, 7200) end as shift
    from v where ru('rdup', g, k) < {sc.P_RECEIPT_DUP}""")


def stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, int]:
    """Stage `r` into the receipts (non-SMPP) and smpp_receipts buffers."""
    fd = f"(recv_s + shift - {plan.epoch0}) // {DAY} as fd"
    keys = "recv_s + shift + 30 * dup as sk, (g * 8 + k) * 16 + dup as tk"
    rcpt = f"""
        select case when idm < 4 or idm >= 8 then msg_id(gid) end as message_id, provider,
            case when idm >= 4 then pmid(provider, gid) end as provider_message_id,
            status, error_code, iso(event_s, ri('tf', g, 10 + k, 100)) as event_at,
            case when ru('norecv', g, k) >= {sc.P_NO_RECEIVED_AT}
                then iso(recv_s + shift, ri('tf', g, 20 + k, 100)) end as received_at,
            {fd}, {keys}
        from (select *, ri('idm', g, k, 10) as idm from r
            where provider <> 'smpp' and not {NATIVE} and {{where}})"""
    smpp = f"""
        select {_smpp_line()} as line, {fd}, {keys}
        from (select *, ri('sd', g, k, 100) as vd, ri('so', g, k, 100) as vo,
                ri('sx', g, k, 100) as vx, ri('ssp', g, k, 100) as vs,
                ri('st', g, k, 10) as vt, {NAMES_SQL} as nm
            from (select *, ri('sn', g, k, 100) as vn from r
                where provider = 'smpp' and {{where}}))"""
    out = {}
    for entity, sql in (("receipts", rcpt), ("smpp_receipts", smpp)):
        n = buffers.insert(con, entity, sql.format(where="dup = 0 and k < 4"), plan.days)
        dups = buffers.insert(con, entity, sql.format(where="dup = 1"), plan.days)
        orphans = buffers.insert(con, entity, sql.format(where="dup = 0 and k = 4"), plan.days)
        out[entity] = {"rows": n + dups + orphans, "duplicates": dups, "orphans": orphans}
    return out


NAMES_SQL = (
    "case when vn < 85 then ['id', 'sub', 'dlvrd', 'submit date', 'done date', 'stat', 'err', "
    "'text'] when vn < 95 then ['ID', 'SUB', 'DLVRD', 'SUBMIT DATE', 'DONE DATE', 'STAT', "
    "'ERR', 'TEXT'] else ['Id', 'Sub', 'Dlvrd', 'Submit date', 'Done date', 'Stat', 'Err', "
    "'Text'] end"
)


def _smpp_line() -> str:
    """SQL building one SMPP DLR text, with realistic variation of names, order, dates."""
    sp = "(case when vs < 5 then '  ' else ' ' end)"
    f = {
        "id": "nm[1] || ':' || pmid('smpp', gid)",
        "sub": "nm[2] || ':001'",
        "dlvrd": "nm[3] || ':' || case when upper(status) = 'DELIVRD' then '001' else '000' end",
        "submit": "nm[4] || ':' || smpp_date(sent_s, vd)",
        "done": "nm[5] || ':' || smpp_date(event_s, vd)",
        "stat": "nm[6] || ':' || status",
        "err": "nm[7] || ':' || coalesce(error_code, '000')",
    }
    text = (f"case when vt = 0 then '' else {sp} || nm[8] || ':' || "
            "replace(substr(coalesce(body, ''), 1, 20), chr(10), ' ') end")
    vendor = ("case when vx < 10 then ' mcc:234 mnc:15' when vx < 15 "
              "then ' nwk:26201 price:0.0041' else '' end")
    sub = f"case when vo % 20 = 0 then '' else {sp} || {f['sub']} || {sp} || {f['dlvrd']} end"
    standard = (f"{f['id']} || {sub} || {sp} || {f['submit']} || {sp} || {f['done']} || {sp} "
                f"|| {f['stat']} || {sp} || {f['err']} || {vendor}")
    reordered = (f"{f['id']} || {sp} || {f['stat']} || {sp} || {f['err']} || {sp} "
                 f"|| {f['submit']} || {sp} || {f['done']}")
    shuffled = (f"{f['stat']} || {sp} || {f['id']} || {sp} || {f['done']} || {sp} "
                f"|| {f['submit']} || {sp} || {f['sub']} || {sp} || {f['dlvrd']} || {sp} "
                f"|| {f['err']}")
    return (f"case when vs = 7 then ' ' else '' end || (case when vo < 85 then {standard} "
            f"when vo < 95 then {reordered} else {shuffled} end) || {text} || "
            "case when vs between 5 and 6 then '  ' else '' end")
