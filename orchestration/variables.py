"""The dbt variables of a run: the one place their values are checked.

Every way a run starts passes its variables through `validated` before anything is
loaded: `mmsreport run --var` and `mmsreport ui --var` (`parse_pairs`), `MMSREPORT_VARS`
for `dagster dev`, the schedule and the sensor, and the `warehouse` resource's
`dbt_vars_json` set in the Dagster UI. The dbt macros then read the values as given
(docs/RULES.md, Commands and variables). The defaults are written once, in the `vars:`
of dbt_project.yml, which dbt applies to the variables a run does not set.
"""

from __future__ import annotations

from datetime import datetime

# name -> the rule of its values: a tuple of choices (compared lower-case), or ("whole number", minimum,
# may be off). run_at (the "now" of a run, for tests) is an ISO 8601 timestamp or off; a currency is an
# ISO 4217 code (three letters, upper-cased).
RULES: dict[str, tuple] = {
    "attribution_window_hours": ("whole number", 0, False),
    "attribution_model": ("last_click", "first_click"),
    "hard_bounce_threshold": ("whole number", 1, False),
    "suppression_mode": ("total", "consecutive"),
    "pending_expiry_hours": ("whole number", 0, True),
    "test_scope": ("touched", "all"),
    "run_at": ("timestamp",),
    "alert_drop_points": ("whole number", 0, False),
    "alert_min_messages": ("whole number", 1, False),
    "vonage_price_currency": ("currency",),
}
OFF = ("null", "none", "off", "")


def check(name: str, value):
    """The value of variable `name`, normalised (choices lower-case, numbers as int, off as None);
    ValueError naming the variable and the allowed values otherwise."""
    if name not in RULES:
        raise ValueError(f"unknown variable {name!r}; known: {', '.join(sorted(RULES))}")
    rule = RULES[name]
    text = None if value is None else str(value).strip()
    if text is not None and text.lower() in OFF:
        text = None
    if rule[0] == "whole number":
        _, minimum, may_be_off = rule
        if text is None:
            if may_be_off:
                return None
            raise ValueError(f"{name} cannot be off")
        if isinstance(value, bool) or not text.lstrip("-").isdigit() or int(text) < minimum:
            raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
        return int(text)
    if rule[0] == "timestamp":
        if text is None:
            return None
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name} must be an ISO 8601 timestamp, got {value!r}") from None
        return text
    if rule[0] == "currency":
        if text is None or len(text) != 3 or not text.isalpha():
            raise ValueError(f"{name} must be an ISO 4217 currency code such as EUR, got {value!r}")
        return text.upper()
    if text is None or text.lower() not in rule:
        raise ValueError(f"{name} must be one of {', '.join(rule)}, got {value!r}")
    return text.lower()


def validated(dbt_vars: dict) -> dict:
    """The given variables checked and normalised (the others keep their defaults in dbt)."""
    if not isinstance(dbt_vars, dict):
        raise ValueError(f"dbt variables must be a JSON object, got {dbt_vars!r}")
    return {name: check(name, value) for name, value in dbt_vars.items()}


def parse_pairs(pairs: list[str]) -> dict:
    """`NAME=VALUE` pairs (--var) -> checked dbt variables."""
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--var expects NAME=VALUE, got {pair!r}")
        parsed[name.strip()] = value
    return validated(parsed)
