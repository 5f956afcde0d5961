"""Apache Spark engine pieces shared by the loader, dbt (profiles.yml target `spark`) and the tests."""
