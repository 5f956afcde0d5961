"""The Spark engine's settings and raw export, without starting Spark."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from orchestration.spark.raw_copy import export_raw
from orchestration.spark.session import spark_settings


def test_settings_come_from_the_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("MMSREPORT_SPARK_MASTER", raising=False)
    monkeypatch.delenv("MMSREPORT_SPARK_METASTORE_URI", raising=False)
    settings = spark_settings(tmp_path / "wh")
    folder = str((tmp_path / "wh").resolve())
    assert settings["spark.master"] == "local[*]"
    assert settings["spark.sql.warehouse.dir"] == folder
    assert settings["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={folder}/metastore_db;create=true")
    assert settings["spark.hadoop.hive.metastore.uris"] == ""
    assert settings["spark.sql.session.timeZone"] == "UTC"
    assert "-Duser.timezone=UTC" in settings["spark.driver.extraJavaOptions"]
    assert settings["spark.sql.sources.default"] == "parquet"
    assert settings["spark.sql.ansi.enabled"] == "false"  # as dbt-spark sets it


def test_master_argument_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MMSREPORT_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("MMSREPORT_SPARK_METASTORE_URI", "thrift://metastore:9083")
    assert spark_settings(tmp_path)["spark.master"] == "spark://cluster:7077"
    assert spark_settings(tmp_path, "local[2]")["spark.master"] == "local[2]"
    assert spark_settings(tmp_path)["spark.hadoop.hive.metastore.uris"] == "thrift://metastore:9083"


def test_export_raw_writes_utc_instants(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.messages (message_id varchar, sent_at timestamp, price decimal(18, 6))")
        con.execute("insert into raw.messages values ('m1', '2026-11-01 23:30:00.123456', 0.0083)")
        con.execute("create view raw.not_a_table as select 1 as x")
    out = tmp_path / "out"
    out.mkdir()
    files = export_raw(warehouse, out)
    assert sorted(files) == ["messages"]
    table = pq.read_table(files["messages"])
    sent_at = table.schema.field("sent_at").type
    assert sent_at.tz == "UTC" and sent_at.unit == "us"
    assert str(table.column("sent_at")[0].as_py()) == "2026-11-01 23:30:00.123456+00:00"
    assert str(table.column("price")[0].as_py()) == "0.008300"
    assert table.column("message_id").to_pylist() == ["m1"]
