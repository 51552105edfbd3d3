"""The triggers on document_version that tell a copy again whenever a version is
written: added, removed, or moved to another language or document. Two copies
follow the versions: whether a list row's document has a version in another
language (list_filters.py) and the document's latest version of each language
(version_languages.py); each gives its statement, this writes the triggers the same
way for both, on PostgreSQL (one function) and SQLite (one trigger an event)."""
from __future__ import annotations

from collections.abc import Callable

# The dialect's null-safe "is not the same as".
DISTINCT = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}


def on_versions(name: str, again: Callable[[str, str], str]) -> dict[str, list[str]]:
    """The triggers named `name` that run `again(row, dialect)`, the statement that tells
    the copy of the version `row` again (OLD: the row removed or moved away; NEW: the row
    added or moved to), for each version written."""
    return {
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {again('OLD', 'postgresql')}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {again('NEW', 'postgresql')}; END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF document_id, language "
            f"ON document_version FOR EACH ROW EXECUTE FUNCTION {name}()",
        ],
        "sqlite": [
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON document_version BEGIN {again('NEW', 'sqlite')}; END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON document_version BEGIN {again('OLD', 'sqlite')}; END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF document_id, language ON document_version "
            f"BEGIN {again('OLD', 'sqlite')}; {again('NEW', 'sqlite')}; END",
        ],
    }
