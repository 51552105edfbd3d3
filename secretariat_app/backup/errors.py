"""Why a backup or a restore was refused, in words for the operator. Whatever
raises one of these has written nothing that stays."""
from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused; the message says why and what to do."""


class DamagedBackup(BackupError):
    """The backup does not match its manifest, or has none that can be read."""


class StoreError(BackupError):
    """The file store cannot be copied as it is."""


class DatabaseError(BackupError):
    """The database cannot be copied or restored (tools, connection, state)."""


class SchemaError(BackupError):
    """The backup's schema is one the code cannot restore (a newer one)."""


class TargetNotEmpty(BackupError):
    """A restore goes only into an empty database and an empty file store."""
