"""The DuckDB warehouse file: connections, schema and the single-writer lock."""
