"""Search: the index file's SQLite schema, the kinds of names, and how classes rank in results."""

from __future__ import annotations

from ..iris import KG

INDEX_FILE = "search.sqlite"  # inside a build folder, beside store/
SCHEMA_VERSION = "3"  # raise it when the file or what goes in it changes: the build id covers it

# what a name is to its resource: rdfs:label (today's name), the kinds a kg:Name records, an ISO code
NAME_KINDS = ("label", "official", "former", "acronym", "short", "variant", "code")
# a kind whose names short queries (one or two letters) may match by prefix
CODE_KINDS = ("acronym", "code")

# the classes in the order they rank and show, by group: organisations and countries first, then the
# things one looks up by name, then the records that only join others. A resource of several classes shows
# as the first of these it has, else its first by IRI (kg:Member is inferred for every member, so a country
# shows as a Country); an unlisted class ranks with the records.
RANKED_CLASSES: tuple[tuple[str, ...], ...] = (
    ("Organisation", "Country"),
    ("Summit", "MinisterialMeeting", "Meeting", "Declaration", "DeclarationComponent", "Document", "Place",
     "Person", "Initiative"),
    ("Source", "Chairmanship", "Membership"),
)
SHOWN_CLASSES = tuple(name for group in RANKED_CLASSES for name in group)
CLASS_GROUPS: dict[str, int] = {KG + name: group for group, names in enumerate(RANKED_CLASSES) for name in names}
UNLISTED_GROUP = len(RANKED_CLASSES) - 1

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE resource (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, class TEXT NOT NULL, class_group INTEGER NOT NULL
);
CREATE TABLE resource_class (class TEXT NOT NULL, resource INTEGER NOT NULL, PRIMARY KEY (class, resource))
  WITHOUT ROWID;
CREATE TABLE name (
  id INTEGER PRIMARY KEY, resource INTEGER NOT NULL REFERENCES resource(id), text TEXT NOT NULL,
  folded TEXT NOT NULL, language TEXT NOT NULL, kind TEXT NOT NULL
);
CREATE INDEX name_by_folded ON name (folded, resource);
CREATE INDEX name_by_resource ON name (resource, kind, language);
CREATE VIRTUAL TABLE name_words USING fts5 (folded, content='name', content_rowid='id',
  tokenize='unicode61 remove_diacritics 0');
-- the words of every name, once each: typos are looked for among these (a few thousand at 100k triples),
-- not along every name
CREATE TABLE word (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE word_trigrams USING fts5 (text, content='word', content_rowid='id', tokenize='trigram');
"""


def class_iri(name: str) -> str:
    """A class given as a local name ('Country'), a kg: name ('kg:Country') or a full IRI, as an IRI: the one
    reading of a class name, for /search and /reconcile alike.

    >>> class_iri("Country"), class_iri(" kg:Country ")
    ('https://w3id.org/kgbuild/ontology#Country', 'https://w3id.org/kgbuild/ontology#Country')
    >>> class_iri("http://schema.org/Country")
    'http://schema.org/Country'
    """
    text = name.strip()
    if text.startswith("kg:"):
        return KG + text[len("kg:"):]
    return text if ":" in text else KG + text


def class_group(class_: str) -> int:
    return CLASS_GROUPS.get(class_, UNLISTED_GROUP)


def shown_class(classes: list[str]) -> str:
    """The one class a resource is shown as (classes: its kg: classes)."""
    for name in SHOWN_CLASSES:
        if KG + name in classes:
            return KG + name
    return sorted(classes)[0]
