"""Extractive summaries, in small parts: sentence shape checks, scoring, per-company candidates.

The public entry points live in briefings.summarize; these modules each do one job.
"""
