"""Ingestion: every delivered file into DuckDB, every record accounted for."""
