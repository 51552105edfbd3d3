"""A backup's schema revision against the code's migrations (migrations/versions).

The same as the code's head: restored as it is. Older (a revision the code
knows, before its head): restored, then upgraded to the head as `flask db
upgrade` would, unless the operator asks not to. Newer, or unknown to this
code: refused, since the code cannot know what the newer schema holds."""
from __future__ import annotations

from enum import Enum

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from secretariat_app.backup.errors import SchemaError


class Relation(Enum):
    CURRENT = "current"
    OLDER = "older"


def script_directory() -> ScriptDirectory:
    return ScriptDirectory(str(current_app.extensions["migrate"].directory))


def code_head() -> str:
    heads = script_directory().get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the code's migrations have {len(heads)} heads ({', '.join(heads)}): merge them first")
    return heads[0]


def relation(revision: str, app_version: str = "?") -> Relation:
    """Where `revision` stands against the code's head; SchemaError if it is newer or unknown."""
    script, head = script_directory(), code_head()
    if revision == head:
        return Relation.CURRENT
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaError(
            f"the backup's schema revision {revision} is not one this code knows (its newest is {head}): "
            f"the backup comes from a newer version of the system (app version {app_version}). Nothing was "
            "restored: install that version of the code (or a later one) and restore with it")
    return Relation.OLDER
