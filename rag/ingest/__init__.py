"""Ingest: a folder of files -> documents -> paragraph units (no model, no index)."""
