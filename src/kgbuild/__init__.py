"""kgbuild: curated YAML facts -> a checked knowledge graph -> a SPARQL endpoint."""

__version__ = "0.1.0"
