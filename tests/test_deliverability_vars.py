"""`--var alert_drop_points=… --var alert_min_messages=…` (issue 18) are checked before anything runs."""

from __future__ import annotations

import pytest

from orchestration.cli.build import parse_vars


def test_alert_variables_are_whole_numbers():
    assert parse_vars(["alert_drop_points=10", "alert_min_messages=50"]) == {
        "alert_drop_points": 10, "alert_min_messages": 50}
    assert parse_vars(["alert_drop_points=0"]) == {"alert_drop_points": 0}
    for bad in ("alert_drop_points=-1", "alert_drop_points=ten", "alert_min_messages=0",
                "alert_min_messages=off", "alert_drop_points=12.5"):
        with pytest.raises(ValueError):
            parse_vars([bad])
