"""Unsubscribes: replies shortly after a delivered message, plus a few organic ones."""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers
from orchestration.generate import scale as sc
from orchestration.generate.orders import organic_sql
from orchestration.generate.plan import DAY, Plan
from orchestration.generate.vocab import UNSUB_KEYWORDS, buckets


def stage(con: duckdb.DuckDBPyConnection, plan: Plan, days: range) -> dict[str, int]:
    """Stage unsubscribes caused by the messages of `m` and organic ones on `days`."""
    words = "[" + ", ".join(f"'{w[0]}'" for w in buckets(UNSUB_KEYWORDS)) + "]"
    organic = organic_sql(con, plan, days, sc.ORGANIC_UNSUBS, "unsubs")
    con.execute(f"""create or replace temp table u as
    select g as key, ai, account_id, region, c, final_s + 10 + ri('ud', g, 0, 7200) as unsub_s
    from m where outcome = 'delivered' and ru('uns', g, 0) < {sc.P_UNSUB}
    union all
    select key, ai, account_id, region, c, at_s from ({organic})""")
    rows = f"""
        select account_id,
            case when not by_phone then contact_id(c, ai) end as contact_id,
            case when by_phone then phone_fmt(cc, nsn, ri('upv', key, 0, 100)) end
                as phone_number,
            iso(unsub_s, ri('tf', key, 70, 100)) as unsubscribed_at,
            nullif({words}[ri('kw', key, 0, 100) + 1], '') as keyword,
            (unsub_s - {plan.epoch0}) // {DAY} + nd as fd,
            unsub_s + nd * {DAY} + cp * (60 + ri('uds', key, 0, 3600)) as sk, key * 16 + cp as tk
        from (select *, ru('uph', key, 0) < {sc.P_UNSUB_BY_PHONE} as by_phone,
                cc_of(c, region) as cc, nsn(c, region) as nsn,
                {{cp}} as cp, {{nd}} as nd from u where {{where}})"""
    n = buffers.insert(con, "unsubscribes", rows.format(cp=0, nd=0, where="true"), plan.days)
    dups = buffers.insert(con, "unsubscribes", rows.format(
        cp=1, nd="(ru('udn', key, 0) < 0.3)::int",
        where=f"ru('udup', key, 0) < {sc.P_UNSUB_DUP}"), plan.days)
    return {"rows": n + dups, "duplicates": dups}
