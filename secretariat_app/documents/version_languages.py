"""The document's language versions, on the document: `document.version_languages`.

The inbox (and the API's inbox) shows, on each of its fifty rows, a download link
for the latest version of each language. The page's statement read them with a
subquery a row (an aggregate over the versions' index): about a fifth of
PostgreSQL's work for the page (the statement's backend CPU 1,070 µs before,
865 µs after, at 100,000 documents; docs/benchmarks.md, 2026-12-06 18:20).
The document's row, which the page reads anyway, now carries the answer:
'language:version id' of the latest version of each language, by language code
('en:12,ru:13,zh:20'), or NULL for a document with no version.

The copy is written by the database, whoever writes the versions (the app, the
benchmark's SQL, a test): a version added, removed, or moved to another language
or document tells its document (the old and the new one) again, and a document's
row is written only when its answer changes. Nothing else reads the copy: the
versions stay the truth (documents/services/inbox.py: _latest_languages reads it
the same way as it read the subquery's answer).

The migration that added it (a9c3e5f7b1d4) holds a frozen copy of these
statements. On SQLite a later batch operation on document_version re-creates the
table and loses its triggers: such a revision must create them again
(tests/integration/test_version_languages.py checks they work after every upgrade)."""
from __future__ import annotations

from sqlalchemy import DDL, event

from secretariat_app.documents.version_triggers import DISTINCT, on_versions
from secretariat_app.extensions import db

# The latest version of each language of the document `{document}`, by language code.
LATEST = {
    "postgresql": ("(SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM "
                   "(SELECT v.language, max(v.id) AS latest FROM document_version v "
                   "WHERE v.document_id = {document} GROUP BY v.language) AS l)"),
    "sqlite": ("(SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair "
               "FROM document_version v WHERE v.document_id = {document} GROUP BY v.language "
               "ORDER BY v.language) AS l)"),
}
_AGAIN = "UPDATE document SET version_languages = {latest} WHERE id = {row}.document_id " \
         "AND version_languages {distinct} {latest}"
# Every document with a version: what a migration or a bulk load (triggers off) fills.
FILL = {dialect: f"UPDATE document SET version_languages = {latest.format(document='document.id')} "
                 "WHERE id IN (SELECT document_id FROM document_version)"
        for dialect, latest in LATEST.items()}


def _again(row: str, dialect: str) -> str:
    """The document of the version `row` (NEW or OLD) told again."""
    return _AGAIN.format(latest=LATEST[dialect].format(document=f"{row}.document_id"), row=row,
                         distinct=DISTINCT[dialect])


VERSION_LANGUAGE_TRIGGERS = on_versions("version_languages_to_document", _again)

# After every table exists: the triggers sit on document_version and write document.
for _dialect, _statements in VERSION_LANGUAGE_TRIGGERS.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
