"""DuckDB connection with the generator's seeded SQL macros.

All randomness is hash based: `ru(tag, a, b)` is a uniform double in [0, 1) and
`ri(tag, a, b, n)` an integer in [0, n), both pure functions of (seed, tag, a, b),
so results do not depend on thread count or row order.
"""

from __future__ import annotations

import duckdb

MACROS = """
create or replace macro ru(t, a, b) as
    (hash({seed}::bigint, t::varchar, a::bigint, b::bigint) >> 11)::double
    / 9007199254740992.0;
create or replace macro ri(t, a, b, n) as
    (hash({seed}::bigint, t::varchar, a::bigint, b::bigint) % n::ubigint)::bigint;
create or replace macro tsx(s) as make_timestamp(s::bigint * 1000000);
create or replace macro iso(s, v) as case
    when v < 80 then strftime(tsx(s), '%Y-%m-%dT%H:%M:%SZ')
    when v < 88 then strftime(tsx(s + 3600), '%Y-%m-%dT%H:%M:%S') || '+01:00'
    when v < 90 then strftime(tsx(s), '%Y-%m-%dT%H:%M:%S') || '+00:00'
    when v < 95 then strftime(tsx(s), '%Y-%m-%dT%H:%M:%S')
    else strftime(tsx(s), '%Y-%m-%d %H:%M:%S') end;
create or replace macro smpp_date(s, v) as case
    when v < 75 then strftime(tsx(s), '%y%m%d%H%M')
    when v < 90 then strftime(tsx(s), '%y%m%d%H%M%S')
    else strftime(tsx(s), '%Y%m%d%H%M%S') end;
create or replace macro money(cents) as
    (cents // 100)::varchar || '.' || lpad((cents % 100)::varchar, 2, '0');
-- scramble(x, bits): a bijection of [0, 2**bits) (odd multiply, xorshift, odd multiply),
-- so ids derived from distinct keys look random but never collide.
create or replace macro scramble_mul(x, bits) as
    (x::hugeint * 7046029254386353131) % (1::hugeint << bits);
create or replace macro scramble(x, bits) as
    (xor(scramble_mul(x, bits), scramble_mul(x, bits) >> (bits // 2)) * 2654435761)
    % (1::hugeint << bits);
create or replace macro msg_id(g) as 'msg_' || lpad(g::varchar, 9, '0');
create or replace macro pmid(p, g) as case p
    when 'twilio' then 'SM' || md5('tw{seed}-' || g::varchar)
    when 'vonage' then printf('%016X', g::hugeint * 2654435761 + 1099511627776)
    when 'sinch' then '01J' || upper(substr(md5('si{seed}-' || g::varchar), 1, 23))
    when 'mm7' then 'mm7-' || substr(md5('mm{seed}-' || g::varchar), 1, 20)
    else lpad(((g::hugeint * 2654435761 + 12345) % 10000000000)::varchar, 10, '0') end;
create or replace macro contact_id(c, ai) as case ai
    when 0 then 'c_' || lpad(c::varchar, 7, '0')
    when 1 then lpad(c::varchar, 9, '0')
    when 2 then 'CUST-' || c::varchar
    else (100000 + c)::varchar end;
create or replace macro is_intl(c) as ru('intl', c, 0) < 0.02;
create or replace macro cc_of(c, region) as case
    when is_intl(c) then '353' when region = 'DE' then '49' when region = 'FR' then '33'
    else '44' end;
create or replace macro core(c, k) as
    lpad(((c::hugeint * 2654435761 + 4711) % (10 ** k)::bigint)::varchar, k, '0');
create or replace macro nsn(c, region) as case cc_of(c, region)
    when '353' then '8' || ['3', '5', '6', '7', '9'][ri('pp', c, 0, 5) + 1] || core(c, 7)
    when '49' then ['151', '152', '157', '159', '176', '177', '178', '179'][
        ri('pp', c, 0, 8) + 1] || core(c, 8)
    when '33' then ['60', '61', '62', '64', '65', '66', '67', '68', '73', '74', '75', '76',
        '77', '78'][ri('pp', c, 0, 14) + 1] || core(c, 7)
    else '7' || ['40', '41', '42', '43', '44', '46', '47', '48', '49', '51', '53', '54', '55',
        '56', '57', '58', '59', '71', '72', '73', '74', '75', '76', '77', '80', '81', '84', '85',
        '86', '87', '88', '89', '90', '92', '94', '95', '96', '97', '98', '99'][
        ri('pp', c, 0, 40) + 1] || core(c, 7) end;
create or replace macro fr_pairs(n, sep) as
    substr(n, 1, 1) || sep || substr(n, 2, 2) || sep || substr(n, 4, 2) || sep
    || substr(n, 6, 2) || sep || substr(n, 8, 2);
create or replace macro phone_fmt(cc, n, v) as case cc
    when '353' then case when v < 60 then '+353' || n
        else '+353 ' || substr(n, 1, 2) || ' ' || substr(n, 3, 3) || ' ' || substr(n, 6) end
    when '49' then case when v < 35 then '0' || substr(n, 1, 3) || ' ' || substr(n, 4)
        when v < 50 then '0' || n when v < 60 then '0' || substr(n, 1, 3) || '/' || substr(n, 4)
        when v < 85 then '+49' || n when v < 95 then '+49 ' || substr(n, 1, 3) || ' '
        || substr(n, 4) else '0049' || n end
    when '33' then case when v < 35 then '0' || fr_pairs(n, ' ') when v < 55 then '0' || n
        when v < 60 then '0' || fr_pairs(n, '.') when v < 85 then '+33' || n
        when v < 95 then '+33 ' || fr_pairs(n, ' ') else '0033' || n end
    else case when v < 35 then '0' || substr(n, 1, 4) || ' ' || substr(n, 5)
        when v < 60 then '0' || n when v < 85 then '+44' || n
        when v < 95 then '+44 ' || substr(n, 1, 4) || ' ' || substr(n, 5)
        else '0044' || n end end;
"""


def connect(seed: int, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the seeded macros installed."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute("set preserve_insertion_order = true")
    con.execute(MACROS.format(seed=int(seed)))
    return con


def load_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
               rows: list[tuple]) -> None:
    """(Re)create table `name` with typed `columns` from Python `rows`, in one go."""
    import pyarrow as pa

    types = {"integer": pa.int32(), "bigint": pa.int64(), "varchar": pa.string(),
             "boolean": pa.bool_()}
    data = {c: pa.array([r[i] for r in rows], type=types[t])
            for i, (c, t) in enumerate(columns.items())}
    con.register("_load_rows", pa.table(data))
    try:
        con.execute(f"create or replace table {name} as select * from _load_rows")
    finally:
        con.unregister("_load_rows")
