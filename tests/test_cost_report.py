"""`mmsreport report --campaign`: cost per currency, never added (on the site's hand-made warehouse)."""

from __future__ import annotations

import duckdb

from orchestration.cli.report import campaign_detail
from tests.site_fixtures import add_campaign_costs, make_warehouse


def test_campaign_detail_shows_cost_per_currency(tmp_path):
    warehouse = make_warehouse(tmp_path)
    add_campaign_costs(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lines = campaign_detail(con, "c_xss")
        draft = campaign_detail(con, "c_draft")
    text = "\n".join(lines)
    assert "  EUR:         0.33   per delivered        -   (0 reported, 10 estimated)" in text
    assert "  GBP:         0.00   per delivered        -   (0 reported, 0 estimated, 3 without a price)" in text
    assert "  USD:         1.23   per delivered   0.0123   (100 reported, 20 estimated)" in text
    assert "  no billable message" in "\n".join(draft)
