"""Orders: after clicks (minutes to days later, some beyond 120 h) and organic ones;
some are later updated (refund, cancellation, revenue change) in a later folder."""

from __future__ import annotations

import random

import duckdb

from orchestration.generate import buffers
from orchestration.generate import scale as sc
from orchestration.generate.plan import DAY, Plan
from orchestration.generate.sqlkit import load_table

ORGANIC_KEY = 4_000_000_000  # keys above are organic (no click); all keys < 2**33


def organic_sql(con, plan: Plan, days: range, rate: float, tag: str) -> str:
    """SQL of organic events (key, c, ai, account_id, region, currency, at_s) on `days`,
    a deterministic number per day averaging `rate` per message."""
    expected = plan.scale.messages / plan.days * rate
    counts = [(d, int(expected) + int(random.Random(f"{plan.seed}-{tag}-{d}").random()
                                      < expected % 1)) for d in days]
    load_table(con, f"organic_{tag}", {"day": "bigint", "n": "bigint"}, counts)
    return f"""
        select key, p.ai, p.account_id, p.region, p.currency, x.c, at_s
        from (select key, ri('oc{tag}', key, 0, {plan.scale.contacts}) as c,
                {plan.epoch0} + day * {DAY} + ri('ot{tag}', key, 0, {DAY}) as at_s
            from (select day, {ORGANIC_KEY} + day * 1000000 + unnest(range(n)) as key
                from organic_{tag})) x
        join plan_accounts p on x.c >= p.pool_start and x.c < p.pool_start + p.pool_size"""


def build(con: duckdb.DuckDBPyConnection, plan: Plan, days: range) -> None:
    """Create temp table `o`: order key, account, contact and `ordered_s`."""
    organic = organic_sql(con, plan, days, sc.ORGANIC_ORDERS, "orders")
    con.execute(f"""create or replace temp table o as
    select g * 4 + k as key, ai, account_id, region, currency, c, click_s + case
            when u < 0.35 then 60 + ri('odl', g, k, 3540)
            when u < 0.65 then 3600 + ri('odl', g, k, 20 * 3600)
            when u < 0.85 then {DAY} + ri('odl', g, k, 2 * {DAY})
            when u < 0.95 then 3 * {DAY} + ri('odl', g, k, 2 * {DAY})
            else 5 * {DAY} + ri('odl', g, k, 5 * {DAY}) end as ordered_s
    from (select *, ru('odu', g, k) as u from ck where ru('ord', g, k) < {sc.P_ORDER_PER_CLICK})
    union all
    {organic}""")


def stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, int]:
    """Stage order rows of `o`: version 0, and version 1 (an update) for a few."""
    rows = f"""
        select printf('ORD-%010d', scramble(key, 33)) as order_id, account_id,
            case when not by_phone then contact_id(c, ai) end as contact_id,
            case when by_phone then phone_fmt(cc, nsn, ri('opv', key, 0, 100)) end
                as phone_number,
            iso(ordered_s, ri('tf', key, 40, 100)) as ordered_at,
            money(case when v = 1 and new_status = 'completed' then cents * 4 // 5
                else cents end) as revenue,
            case when u_cur < 0.03 then (case currency when 'EUR' then ['GBP', 'USD']
                    else ['EUR', 'USD'] end)[ri('ocx', key, 0, 2) + 1]
                when u_cur < 0.30 then null else currency end as currency,
            case when v = 1 then new_status when u_st < 0.9 then 'completed'
                when u_st < 0.95 then 'cancelled' else 'refunded' end as status,
            case when v = 1 then iso(upd_s, ri('tf', key, 41, 100))
                when ru('oun', key, 0) < 0.75
                then iso(ordered_s + ri('ouo', key, 0, 300), ri('tf', key, 42, 100)) end
                as updated_at,
            (case when v = 1 then upd_s else ordered_s end - {plan.epoch0}) // {DAY} as fd,
            case when v = 1 then upd_s else ordered_s end as sk, key * 16 + v as tk
        from (select *, {{v}} as v, cc_of(c, region) as cc, nsn(c, region) as nsn,
                ru('oph', key, 0) < {sc.P_ORDER_BY_PHONE} as by_phone,
                500 + (pow(ru('rev', key, 0), 2) * 24500)::bigint as cents,
                ru('ocur', key, 0) as u_cur, ru('ost', key, 0) as u_st,
                ordered_s + 7200 + ri('oud', key, 0, 3 * {DAY}) as upd_s,
                case when ru('ons', key, 0) < 0.6 then 'refunded'
                    when ru('ons', key, 0) < 0.85 then 'cancelled' else 'completed' end
                    as new_status
            from o where {{where}})"""
    n = buffers.insert(con, "orders", rows.format(v=0, where="true"), plan.days)
    upd = buffers.insert(con, "orders", rows.format(
        v=1, where=f"ru('oupd', key, 0) < {sc.P_ORDER_UPDATE}"), plan.days)
    return {"rows": n + upd, "updates": upd}
