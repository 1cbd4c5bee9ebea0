"""Evaluation: reference questions, metrics, experiments and reports."""
