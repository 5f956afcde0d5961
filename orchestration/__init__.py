"""mmsreport: SMS/MMS campaign reporting warehouse (DuckDB + dbt + Dagster)."""
