"""`mmsreport metrics` arguments (issue 16): money metrics always carry their currency."""

from orchestration.semantic import mf_query_args, with_currency


def test_money_metrics_get_the_currency_dimension():
    assert with_currency(["direct_revenue"], ["account"]) == ["account", "campaign__currency"]
    assert with_currency(["assisted_revenue", "messages_sent"], []) == ["campaign__currency"]


def test_cost_is_grouped_by_its_own_currency_not_the_accounts():
    assert with_currency(["cost"], ["campaign"]) == ["campaign", "message_cost__currency"]
    assert with_currency(["cost", "direct_revenue"], ["campaign__currency"]) == [
        "campaign__currency", "message_cost__currency"]


def test_a_currency_already_grouped_by_or_no_money_metric_changes_nothing():
    assert with_currency(["direct_revenue"], ["campaign", "campaign__currency"]) == ["campaign", "campaign__currency"]
    assert with_currency(["messages_sent", "delivery_rate"], ["account"]) == ["account"]


def test_mf_arguments():
    assert mf_query_args(["direct_revenue"], ["campaign"], order=["-direct_revenue"], limit=5) == [
        "query", "--metrics", "direct_revenue", "--group-by", "campaign,campaign__currency",
        "--order", "-direct_revenue", "--limit", "5"]
    assert mf_query_args([], [], saved_query="campaign_list") == ["query", "--saved-query", "campaign_list"]


def test_metrics_command_without_a_readers_copy_or_a_metric_says_what_to_do(tmp_path, capsys):
    from orchestration.cli.main import main

    missing = tmp_path / "nothing_bi.duckdb"
    assert main(["metrics", "--bi-file", str(missing), "--metrics", "messages_sent"]) == 2
    assert "run `mmsreport run` first" in capsys.readouterr().err
    missing.write_bytes(b"")
    assert main(["metrics", "--bi-file", str(missing)]) == 2
    assert "--saved-query" in capsys.readouterr().err
