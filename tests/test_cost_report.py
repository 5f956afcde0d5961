"""`mmsreport report --campaign`: cost per currency, never added (on the site's hand-made warehouse)."""

from __future__ import annotations

import duckdb

from orchestration.cli.report import campaign_detail
from tests.site_fixtures import make_warehouse


def test_campaign_detail_shows_cost_per_currency(tmp_path):
    warehouse = make_warehouse(tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""create table marts.fct_campaign_costs (campaign_id varchar, account_id varchar,
            currency varchar, messages_priced bigint, messages_estimated bigint, messages_unpriced bigint,
            cost decimal(18, 6), cost_per_delivered decimal(18, 6))""")
        con.execute("""insert into marts.fct_campaign_costs values
            ('c_xss', 'acc_gb', 'USD', 100, 20, 0, 1.234567, 0.012346),
            ('c_xss', 'acc_gb', 'EUR', 0, 10, 0, 0.333, null),
            ('c_xss', 'acc_gb', 'GBP', 0, 0, 3, 0, null),
            ('c_draft', 'acc_gb', 'GBP', 0, 0, 0, 0, null)""")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lines = campaign_detail(con, "c_xss")
        draft = campaign_detail(con, "c_draft")
    text = "\n".join(lines)
    assert "  EUR:         0.33   per delivered        -   (0 reported, 10 estimated)" in text
    assert "  GBP:         0.00   per delivered        -   (0 reported, 0 estimated, 3 without a price)" in text
    assert "  USD:         1.23   per delivered   0.0123   (100 reported, 20 estimated)" in text
    assert "  no billable message" in "\n".join(draft)
