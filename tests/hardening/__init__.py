"""Hardening: hostile input, runaway queries, load and faults (README "Hardening")."""
