"""Configuration shared by every asset: where the landing zone and warehouse are."""


import json

from dagster import ConfigurableResource


class WarehouseResource(ConfigurableResource):
    """Landing folder, warehouse file and dbt variables (SPEC §10)."""

    landing_dir: str
    warehouse_path: str
    dbt_vars_json: str = "{}"

    @property
    def dbt_vars(self) -> dict:
        return json.loads(self.dbt_vars_json)
