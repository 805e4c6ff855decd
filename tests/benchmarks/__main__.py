"""`python -m tests.benchmarks`: the whole benchmark (see run.py for its settings)."""

from .run import main

main()
