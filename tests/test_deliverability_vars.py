"""`--var alert_drop_points=… --var alert_min_messages=… --var vonage_price_currency=…` are checked
before anything runs (issues 17 and 18)."""

from __future__ import annotations

import pytest

from orchestration.variables import parse_pairs


def test_alert_variables_are_whole_numbers():
    assert parse_pairs(["alert_drop_points=10", "alert_min_messages=50"]) == {
        "alert_drop_points": 10, "alert_min_messages": 50}
    assert parse_pairs(["alert_drop_points=0"]) == {"alert_drop_points": 0}
    for bad in ("alert_drop_points=-1", "alert_drop_points=ten", "alert_min_messages=0",
                "alert_min_messages=off", "alert_drop_points=12.5"):
        with pytest.raises(ValueError):
            parse_pairs([bad])


def test_the_vonage_price_currency_is_an_iso_code():
    assert parse_pairs(["vonage_price_currency=usd"]) == {"vonage_price_currency": "USD"}
    for bad in ("vonage_price_currency=euro", "vonage_price_currency=off", "vonage_price_currency=E1R"):
        with pytest.raises(ValueError):
            parse_pairs([bad])
