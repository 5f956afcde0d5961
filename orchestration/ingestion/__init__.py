"""Loading landing files into the DuckDB `raw` schema."""
