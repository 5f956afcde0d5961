"""Dagster definitions by domain: raw loading, dbt models, jobs and schedules."""
