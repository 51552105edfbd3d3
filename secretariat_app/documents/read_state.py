"""What each reader has read, in a size that grows with what readers do.

A document that reached a user (circulated to their delegation, or to them by
name) is read when they have a receipt for it, and unread otherwise. That rule
does not change; what changes is how the inbox finds the unread ones quickly.

- `receipt` (documents.models.Receipt): one row per document a user opened.
- `read_horizon`: per user who keeps up, a time (`horizon_at`). Documents that
  reached the user AFTER it are unread exactly when there is no receipt: the
  inbox walks the delegation's newest circulations down to the horizon and
  probes the receipt's key for each (few: the horizon is recent).
- `unread_mark`: the documents that reached the user AT OR BEFORE their horizon
  and that they have not read: the exceptions behind the horizon, few because
  a horizon is only moved for a user whose unread documents behind it are few
  (services/read_horizon.py: at most max(MARK_FLOOR, their receipts)).

A user without a horizon (new, or who reads little) has no marks: everything
that reached them is unread unless they have a receipt, and their inbox finds
unread rows at once at the top of their delegation's history. So the size is
receipts + marks (each at most max(MARK_FLOOR, receipts) per user) + one row
per user with a horizon, not circulations x users.

The marks are kept exact by the triggers below, whoever writes the tables:
  a circulation or named recipient added at or before a user's horizon
      -> a mark for them unless they have a receipt; removed -> its marks go
  a receipt added -> its marks go; removed -> a mark comes back for each way the
      document reached the user at or before their horizon
  a user moved to another delegation -> their horizon and marks go (everything
      then counts by receipts alone, which is exact)
Moving a horizon forward (services/read_horizon.advance) writes the marks of
the span it passes over in the same transaction. A mark after the horizon
means nothing: every reader of these tables takes marks at or before it only.
The migration 9c4e7a1d3b6f holds a frozen copy of these statements."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, event
from sqlalchemy.orm import Mapped, mapped_column

from secretariat_app.core.columns import UTCDateTime
from secretariat_app.extensions import Model, db


class ReadHorizon(Model):
    """The time up to which a user's unread documents are listed in unread_mark."""

    __tablename__ = "read_horizon"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    horizon_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnreadMark(Model):
    """A document that reached a user at or before their horizon and that they
    have not read (named: received by name, a RESTRICTED document's named
    recipient, at the time they were named; otherwise through the delegation,
    at the circulation's time). It says "unread", never "may read": the inbox
    still takes what a reader may see from circulation, named_recipient and the
    document. The time lets the inbox walk a reader's marks in page order
    (ix_unread_mark_user_id_named_at, index only)."""

    __tablename__ = "unread_mark"
    __table_args__ = (Index("ix_unread_mark_user_id_named_at", "user_id", "named", "at", "document_id"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    named: Mapped[bool] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


_UPSERT = " ON CONFLICT (document_id, user_id, named) DO UPDATE SET at = excluded.at"
_INSERT = "INSERT INTO unread_mark (document_id, user_id, named, at) "
_NO_RECEIPT = "NOT EXISTS (SELECT 1 FROM receipt r WHERE r.user_id = {user} AND r.document_id = {document})"
# (document, users of its delegation behind whose horizon it falls) of the circulation in {row}, unread
_OF_CIRCULATION = (_INSERT + "SELECT {row}.document_id, u.id, false, {row}.circulated_at FROM user_account u "
                   "JOIN read_horizon h ON h.user_id = u.id "
                   "WHERE u.delegation_id = {row}.delegation_id AND {row}.circulated_at <= h.horizon_at AND "
                   + _NO_RECEIPT.format(user="u.id", document="{row}.document_id") + _UPSERT)
_NOT_OF_CIRCULATION = ("DELETE FROM unread_mark WHERE document_id = {row}.document_id AND named = false "
                       "AND user_id IN (SELECT id FROM user_account WHERE delegation_id = {row}.delegation_id)")
_OF_NAMED = (_INSERT + "SELECT {row}.document_id, {row}.user_id, true, {row}.added_at FROM read_horizon h "
             "WHERE h.user_id = {row}.user_id AND {row}.added_at <= h.horizon_at AND "
             + _NO_RECEIPT.format(user="{row}.user_id", document="{row}.document_id") + _UPSERT)
_NOT_OF_NAMED = ("DELETE FROM unread_mark WHERE document_id = {row}.document_id AND user_id = {row}.user_id "
                 "AND named = true")
_NOT_OF_USER = "DELETE FROM unread_mark WHERE user_id = OLD.id; DELETE FROM read_horizon WHERE user_id = OLD.id"
_OF_RECEIPT = (_INSERT + "SELECT c.document_id, u.id, false, c.circulated_at FROM user_account u "
               "JOIN circulation c ON c.delegation_id = u.delegation_id AND c.document_id = OLD.document_id "
               "JOIN read_horizon h ON h.user_id = u.id "
               "WHERE u.id = OLD.user_id AND c.circulated_at <= h.horizon_at" + _UPSERT + "; "
               + _INSERT + "SELECT n.document_id, n.user_id, true, n.added_at FROM named_recipient n "
               "JOIN read_horizon h ON h.user_id = n.user_id "
               "WHERE n.document_id = OLD.document_id AND n.user_id = OLD.user_id AND n.added_at <= h.horizon_at"
               + _UPSERT)
_NOT_OF_RECEIPT = "DELETE FROM unread_mark WHERE document_id = NEW.document_id AND user_id = NEW.user_id"


def _pg_function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END; $$ "
            "LANGUAGE plpgsql")


def _pg_both(old: str, new: str) -> str:
    """A row trigger's body for INSERT, UPDATE and DELETE: OLD's rows go, NEW's come."""
    return (f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {new}; END IF;")


READ_STATE_TRIGGERS = {
    "postgresql": [
        _pg_function("unread_mark_of_circulation",
                     _pg_both(_NOT_OF_CIRCULATION.format(row="OLD"), _OF_CIRCULATION.format(row="NEW"))),
        "CREATE TRIGGER unread_mark_of_circulation "
        "AFTER INSERT OR DELETE OR UPDATE OF document_id, delegation_id, circulated_at ON circulation "
        "FOR EACH ROW EXECUTE FUNCTION unread_mark_of_circulation()",
        _pg_function("unread_mark_of_named", _pg_both(_NOT_OF_NAMED.format(row="OLD"),
                                                      _OF_NAMED.format(row="NEW"))),
        "CREATE TRIGGER unread_mark_of_named "
        "AFTER INSERT OR DELETE OR UPDATE OF document_id, user_id, added_at ON named_recipient "
        "FOR EACH ROW EXECUTE FUNCTION unread_mark_of_named()",
        _pg_function("unread_mark_of_moved_user", _NOT_OF_USER + ";"),
        "CREATE TRIGGER unread_mark_of_moved_user AFTER UPDATE OF delegation_id ON user_account "
        "FOR EACH ROW WHEN (OLD.delegation_id IS DISTINCT FROM NEW.delegation_id) "
        "EXECUTE FUNCTION unread_mark_of_moved_user()",
        _pg_function("unread_mark_of_receipt", _pg_both(_OF_RECEIPT, _NOT_OF_RECEIPT)),
        "CREATE TRIGGER unread_mark_of_receipt "
        "AFTER INSERT OR DELETE OR UPDATE OF user_id, document_id ON receipt "
        "FOR EACH ROW EXECUTE FUNCTION unread_mark_of_receipt()",
    ],
    "sqlite": [
        "CREATE TRIGGER unread_mark_circulation_insert AFTER INSERT ON circulation BEGIN "
        + _OF_CIRCULATION.format(row="NEW") + "; END",
        "CREATE TRIGGER unread_mark_circulation_delete AFTER DELETE ON circulation BEGIN "
        + _NOT_OF_CIRCULATION.format(row="OLD") + "; END",
        "CREATE TRIGGER unread_mark_circulation_update "
        "AFTER UPDATE OF document_id, delegation_id, circulated_at ON circulation BEGIN "
        + _NOT_OF_CIRCULATION.format(row="OLD") + "; " + _OF_CIRCULATION.format(row="NEW") + "; END",
        "CREATE TRIGGER unread_mark_named_insert AFTER INSERT ON named_recipient BEGIN "
        + _OF_NAMED.format(row="NEW") + "; END",
        "CREATE TRIGGER unread_mark_named_delete AFTER DELETE ON named_recipient BEGIN "
        + _NOT_OF_NAMED.format(row="OLD") + "; END",
        "CREATE TRIGGER unread_mark_named_update "
        "AFTER UPDATE OF document_id, user_id, added_at ON named_recipient BEGIN "
        + _NOT_OF_NAMED.format(row="OLD") + "; " + _OF_NAMED.format(row="NEW") + "; END",
        "CREATE TRIGGER unread_mark_user_update AFTER UPDATE OF delegation_id ON user_account "
        "WHEN OLD.delegation_id IS NOT NEW.delegation_id BEGIN " + _NOT_OF_USER + "; END",
        "CREATE TRIGGER unread_mark_receipt_insert AFTER INSERT ON receipt BEGIN "
        + _NOT_OF_RECEIPT + "; END",
        "CREATE TRIGGER unread_mark_receipt_delete AFTER DELETE ON receipt BEGIN " + _OF_RECEIPT + "; END",
        "CREATE TRIGGER unread_mark_receipt_update AFTER UPDATE OF user_id, document_id ON receipt BEGIN "
        + _OF_RECEIPT + "; " + _NOT_OF_RECEIPT + "; END",
    ],
}

# After every table exists: the triggers sit on circulation, named_recipient, user_account and receipt.
for _dialect, _statements in READ_STATE_TRIGGERS.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
