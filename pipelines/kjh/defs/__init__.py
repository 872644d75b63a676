"""Dagster definitions by area; kjh.definitions only loads and merges them."""
