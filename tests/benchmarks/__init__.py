"""Benchmarks, run by `make bench` (never by pytest): synthetic facts, the build per stage, SPARQL over HTTP."""
