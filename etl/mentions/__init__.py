"""Mention extraction: candidates, features, classification, resolution; see `extract`."""
