"""Facts stage: curated YAML -> validated records, every problem reported as file:line."""

from .collection import Facts
from .loader import collect_facts, load_facts
from .problems import FactsError, Origin, Problem

__all__ = ["Facts", "FactsError", "Origin", "Problem", "collect_facts", "load_facts"]
