"""Backup and restore of the whole installation: the database and the file store.

`flask --app wsgi backup create DIR` writes a consistent copy of both into a new
directory with a manifest; `flask --app wsgi backup verify DIR` checks a copy
against its manifest; `flask --app wsgi backup restore DIR` puts it back into an
empty database and an empty file store. What an operator does with them:
docs/operations.md, "Backups and restore".

- `manifest.py`: the manifest (manifest.json): the SHA-256 and size of every
  file of the backup, the schema revision, the app's version, the time; checking
  a backup against it.
- `database.py`: the database's part: a snapshot (pg_dump's custom format on
  PostgreSQL, in one exported snapshot with the list of stored files; SQLite's
  online backup API), whether a database is empty, putting a copy back.
- `files.py`: the file store's part: copying its files out and back, each
  checked against its name (a stored file is named by its SHA-256).
- `schema.py`: the backup's schema revision against the code's migrations
  (the same, older: upgraded after the restore, newer: refused).
- `services.py`: create, verify and restore, one function each.
- `cli.py`: the `flask backup` commands.
"""
