"""The campaign report site: static HTML pages built from the marts (issue 9).

`build_site(warehouse, out)` writes the site; `mmsreport site` and the Dagster
asset `reports/site` call it.
"""

from orchestration.site.assemble import SiteResult, build_site, default_site_dir

__all__ = ["SiteResult", "build_site", "default_site_dir"]
