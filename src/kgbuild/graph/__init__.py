"""Graph stage: records -> triples, reasoning, SHACL, claims, and the atomic write of dist/."""
