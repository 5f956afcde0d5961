"""The Spark engine's settings and raw export, without starting Spark."""

from __future__ import annotations

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
