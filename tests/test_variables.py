"""The dbt variables of a run: checked in one place (orchestration/variables.py), defaults in dbt_project.yml."""

from __future__ import annotations

import json

import pytest
import yaml

from orchestration.paths import REPO_ROOT, default_memory_limit
from orchestration.variables import RULES, check, parse_pairs, validated


def test_every_variable_has_a_rule_and_a_default_in_dbt_project_yml():
    defaults = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]
    assert set(RULES) == set(defaults)
    for name, default in defaults.items():
        assert check(name, default) == default  # every default passes its own rule


@pytest.mark.parametrize(("pair", "expected"), [
    ("attribution_model=FIRST_CLICK", {"attribution_model": "first_click"}),
    ("suppression_mode= consecutive ", {"suppression_mode": "consecutive"}),
    ("hard_bounce_threshold=2", {"hard_bounce_threshold": 2}),
    ("attribution_window_hours=0", {"attribution_window_hours": 0}),
    ("pending_expiry_hours=off", {"pending_expiry_hours": None}),
    ("pending_expiry_hours=48", {"pending_expiry_hours": 48}),
    ("test_scope=all", {"test_scope": "all"}),
    ("run_at=2026-11-25T00:00:00Z", {"run_at": "2026-11-25T00:00:00Z"}),
])
def test_good_values_are_normalised(pair, expected):
    assert parse_pairs([pair]) == expected


@pytest.mark.parametrize(("pair", "message"), [
    ("attribution_model=linear", "attribution_model must be one of last_click, first_click"),
    ("suppression_mode=", "suppression_mode must be one of total, consecutive"),
    ("hard_bounce_threshold=0", "hard_bounce_threshold must be a whole number of at least 1"),
    ("hard_bounce_threshold=2.5", "hard_bounce_threshold must be a whole number"),
    ("attribution_window_hours=off", "attribution_window_hours cannot be off"),
    ("pending_expiry_hours=-1", "pending_expiry_hours must be a whole number of at least 0"),
    ("test_scope=some", "test_scope must be one of touched, all"),
    ("run_at=yesterday", "run_at must be an ISO 8601 timestamp"),
    ("colour=red", "unknown variable 'colour'"),
    ("hard_bounce_threshold", "--var expects NAME=VALUE"),
])
def test_bad_values_are_refused_with_the_rule(pair, message):
    with pytest.raises(ValueError, match=message):
        parse_pairs([pair])


def test_json_values_of_mmsreport_vars_are_checked_the_same_way():
    assert validated(json.loads('{"hard_bounce_threshold": 4, "attribution_model": "last_click"}')) == \
        {"hard_bounce_threshold": 4, "attribution_model": "last_click"}
    with pytest.raises(ValueError, match="whole number"):
        validated({"hard_bounce_threshold": True})
    with pytest.raises(ValueError, match="JSON object"):
        validated(["hard_bounce_threshold"])


def test_the_memory_limit_default_is_the_one_of_profiles_yml():
    assert default_memory_limit() == "3GB"
