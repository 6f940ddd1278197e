"""The Dagster layer: assets, checks, resources and automation wiring the pure stages."""
