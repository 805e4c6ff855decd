"""kgbuild: curated YAML facts -> a checked knowledge graph -> a SPARQL endpoint."""

import os

__version__ = "0.1.0"

TYPE_CHECKING = False  # not typing's: `import kgbuild` stays as cheap as it was (no typing, no __future__)
if TYPE_CHECKING:
    from rdflib import Dataset

__all__ = ["__version__", "open"]


def open(path: str | os.PathLike[str] = "dist") -> "Dataset":  # noqa: UP037 -- rdflib is imported only when called
    """The build in path (a dist/ folder) as a read-only rdflib Dataset over its Oxigraph store.

    Its default graph is the union of the named graphs, as the server's is; see kgbuild.store.notebook.
    """
    from .store.notebook import open_dataset  # here, so the CLI and the query processes never load rdflib for it

    return open_dataset(path)
