"""Hardening: hostile input, runaway queries, load and faults (docs/hardening.md)."""
