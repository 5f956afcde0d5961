"""`mmsreport metrics` arguments (issue 16): money metrics always carry their currency."""

from orchestration.semantic import mf_query_args, with_currency


def test_money_metrics_get_the_currency_dimension():
    assert with_currency(["direct_revenue"], ["account"]) == ["account", "campaign__currency"]
    assert with_currency(["assisted_revenue", "messages_sent"], []) == ["campaign__currency"]


def test_a_currency_already_grouped_by_or_no_money_metric_changes_nothing():
    assert with_currency(["direct_revenue"], ["campaign", "campaign__currency"]) == ["campaign", "campaign__currency"]
    assert with_currency(["messages_sent", "delivery_rate"], ["account"]) == ["account"]


def test_mf_arguments():
    assert mf_query_args(["direct_revenue"], ["campaign"], order=["-direct_revenue"], limit=5) == [
        "query", "--metrics", "direct_revenue", "--group-by", "campaign,campaign__currency",
        "--order", "-direct_revenue", "--limit", "5"]
    assert mf_query_args([], [], saved_query="campaign_list") == ["query", "--saved-query", "campaign_list"]
