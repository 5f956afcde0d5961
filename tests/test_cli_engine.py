"""`mmsreport run --engine`: the choice, its environment variable, and the demo's run arguments."""

from __future__ import annotations

import pytest

from orchestration.cli.main import build_parser, main


def test_engine_defaults_to_duckdb_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("MMSREPORT_ENGINE", raising=False)
    assert build_parser().parse_args(["run"]).engine == "duckdb"
    monkeypatch.setenv("MMSREPORT_ENGINE", "Spark")
    monkeypatch.setenv("MMSREPORT_SPARK_MASTER", "spark://h:7077")
    args = build_parser().parse_args(["run"])
    assert (args.engine, args.spark_master) == ("spark", "spark://h:7077")


def test_an_unknown_engine_is_refused_with_its_name(monkeypatch, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--engine", "trino", "--landing", str(tmp_path)])
    assert exc.value.code == 2
    monkeypatch.setenv("MMSREPORT_ENGINE", "trino")
    assert main(["run", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "'trino'" in capsys.readouterr().err
