"""Alembic revisions build the schema the models describe, and go back down,
on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from secretariat_app.extensions import db
from secretariat_app.search.models import outside_models

# The first user (id 1) as the revisions of 2026 knew the table, and a pending notice of :kind to
# them about the object 1 of a subject type: for the revisions that change the notice kinds allowed.
FIRST_USER = text("INSERT INTO user_account (id, email, name, password_hash, language, timezone, active, created_at) "
                  "VALUES (1, 'a@cica.example', 'A', 'x', 'en', 'UTC', true, CURRENT_TIMESTAMP)")


def notice_to_the_first_user(subject_type: str):
    return text("INSERT INTO notification (kind, subject_type, subject_id, recipient_id, due_at, status, attempts, "
                f"claims, last_error, created_at) VALUES (:kind, '{subject_type}', 1, 1, CURRENT_TIMESTAMP, "
                "'pending', 0, 0, '', CURRENT_TIMESTAMP)")


def _differences():
    with db.engine.connect() as connection:
        # As migrations/env.py does: the search index's terms live outside the models.
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": outside_models})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_and_models_match(unmigrated_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {"state", "membership", "user_account", "audit_entry", "staff_appointment"} <= tables
    assert _differences() == [], "models and migrations differ: write a revision"
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _differences() == []


def test_a_model_change_without_a_revision_is_detected(unmigrated_app):
    """The check above can fail: an extra column in the models shows up."""
    from sqlalchemy import Column, Integer, MetaData, Table

    upgrade()
    extra = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        diffs = compare_metadata(context, extra)
    assert any(d[0] == "add_table" and d[1].name == "not_migrated" for d in diffs)


def test_audit_entries_stay_append_only_through_every_revision(unmigrated_app):
    """The revision that takes the foreign key off audit_entry.actor_id rebuilds the
    table on SQLite: its append-only triggers must come back, up and down."""
    from sqlalchemy.exc import DatabaseError

    def refuses_changes() -> bool:
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO audit_entry (at, actor_id, action, object_type, object_id) "
                                    "VALUES (CURRENT_TIMESTAMP, NULL, 'test', 'test', '1')"))
        refused = []
        for statement in ("UPDATE audit_entry SET action = 'changed'", "DELETE FROM audit_entry"):
            try:
                with db.engine.begin() as connection:
                    connection.execute(text(statement))
                refused.append(False)
            except DatabaseError:
                refused.append(True)
        return refused == [True, True]

    upgrade()
    assert not inspect(db.engine).get_foreign_keys("audit_entry")  # an actor id names no row to lock
    assert refuses_changes()
    downgrade(revision="e4a6c8b0d2f1")
    assert [fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("audit_entry")] == ["user_account"]
    upgrade()
    assert refuses_changes()


def test_user_session_revision_keeps_accounts_and_their_roles_up_and_down(unmigrated_app):
    """The revision that moves sessions to user_session drops user_account.session_token
    in place (a rebuild of user_account on SQLite would cascade to user_role), and
    going down gives every account a random token again."""
    upgrade(revision="b8d4f2a6c1e3")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO user_account (id, email, name, password_hash, language, timezone, active, created_at, "
            "session_token) VALUES (1, 'a@cica.example', 'A', 'x', 'en', 'UTC', true, CURRENT_TIMESTAMP, 't')"))
        connection.execute(text("INSERT INTO user_role (user_id, role) VALUES (1, 'officer')"))
    upgrade()
    assert "session_token" not in {c["name"] for c in inspect(db.engine).get_columns("user_account")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT role FROM user_role WHERE user_id = 1")).scalar_one() == "officer"
    downgrade(revision="b8d4f2a6c1e3")
    with db.engine.connect() as connection:
        token = connection.execute(text("SELECT session_token FROM user_account WHERE id = 1")).scalar_one()
        assert len(token) == 32
        assert connection.execute(text("SELECT count(*) FROM user_role")).scalar_one() == 1


def test_the_notice_kinds_of_report_steps_are_allowed_after_upgrade_and_not_before(unmigrated_app):
    """The CHECK constraint on notification.kind follows the kinds (report_reopened, report_published)."""
    insert = text("INSERT INTO notification (kind, subject_type, subject_id, recipient_id, due_at, status, attempts, "
                  "claims, last_error, created_at) VALUES (:kind, 'cbm_report', 1, :user, '2026-12-06 00:00:00+00', "
                  "'pending', 0, 0, '', '2026-12-06 00:00:00+00')")
    add_user = text("INSERT INTO user_account (email, name, password_hash, language, timezone, active, mail_opt_out, "
                    "document_digest, created_at) VALUES ('a@b.example', 'A', 'x', 'en', 'UTC', true, '[]', false, "
                    "'2026-12-06 00:00:00+00')")
    upgrade(revision="a1f4c2e8b9d3")
    with db.engine.begin() as connection:
        connection.execute(add_user)
        user = connection.execute(text("SELECT id FROM user_account")).scalar()
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"kind": "report_reopened", "user": user})
    upgrade()
    with db.engine.begin() as connection:
        for kind in ("report_reopened", "report_published", "report_deadline"):
            connection.execute(insert, {"kind": kind, "user": user})
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(insert, {"kind": "no_such_kind", "user": user})
    downgrade(revision="a1f4c2e8b9d3")  # the rows of the new kinds go with them
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM notification")).scalars().all() == ["report_deadline"]


def test_the_meeting_invitation_kinds_are_allowed_up_and_refused_down(unmigrated_app):
    """notification.kind is a VARCHAR with a CHECK constraint: the revision that adds the
    invitation and its update rebuilds it (SQLite too), and going down drops their rows
    before it restores the older list."""
    insert = notice_to_the_first_user("meeting")
    upgrade(revision="c4e7a9d1b3f5")
    with db.engine.begin() as connection:
        connection.execute(FIRST_USER)
        for kind in ("meeting_invitation", "meeting_updated", "meeting_reminder"):
            connection.execute(insert, {"kind": kind})
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"kind": "no_such_kind"})
    downgrade(revision="a1f4c2e8b9d3")
    with db.engine.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM notification")).scalars().all()
    assert kinds == ["meeting_reminder"]
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"kind": "meeting_invitation"})


def test_the_succession_kinds_and_tables_come_and_go_with_their_revision(unmigrated_app):
    """d3a8f1c6b2e9 rebuilds the CHECK constraint on notification.kind with every kind listed
    (chair_candidature, chair_successor_due added) and creates the succession's tables; going
    down drops their rows and tables and restores the older list."""
    insert = notice_to_the_first_user("chair_candidature")
    upgrade(revision="b5d2e9f7c1a4")
    with db.engine.begin() as connection:
        connection.execute(FIRST_USER)
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"kind": "chair_candidature"})
    upgrade(revision="d3a8f1c6b2e9")
    assert {"chair_succession", "chair_candidature", "chair_candidature_recipient"} <= set(
        inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        for kind in ("chair_candidature", "chair_successor_due", "meeting_updated", "report_published"):
            connection.execute(insert, {"kind": kind})
    downgrade(revision="b5d2e9f7c1a4")
    with db.engine.connect() as connection:
        kinds = sorted(connection.execute(text("SELECT kind FROM notification")).scalars().all())
    assert kinds == ["meeting_updated", "report_published"]
    assert "chair_candidature" not in inspect(db.engine).get_table_names()
def test_the_silence_revision_keeps_drafts_under_silence_seen_by_their_members(unmigrated_app):
    """The revision that records to whom a draft under silence went fills it in for the drafts
    already circulated (the member delegations of their day, not the observers), allows the two
    silence notice kinds, and going down drops their rows before it restores the older list."""
    before = "d3a8f1c6b2e9"
    notice = notice_to_the_first_user("decision")
    upgrade(revision=before)
    with db.engine.begin() as connection:
        run = connection.execute
        run(FIRST_USER)
        for state_id, code, status in ((1, "KAZ", "member"), (2, "JPN", "observer"), (3, "KWT", "member")):
            run(text("INSERT INTO state (id, code, kind, name_en, name_ru) VALUES (:id, :code, 'state', :code, "
                     ":code)"), {"id": state_id, "code": code})
            joined = "2022-10-13" if code == "KWT" else "1999-09-14"  # Kuwait joined after the draft went out
            run(text("INSERT INTO membership (state_id, status, valid_from, note) VALUES (:id, :status, :since, "
                     "'')"), {"id": state_id, "status": status, "since": joined})
            run(text("INSERT INTO delegation (id, state_id, created_at) VALUES (:id, :id, CURRENT_TIMESTAMP)"),
                {"id": state_id})
        run(text("INSERT INTO body (id, code, name_en, name_ru, numbered, rhythm_en) VALUES "
                 "(1, 'SOC', 'SOC', 'КСДЛ', false, '')"))
        run(text("INSERT INTO decision (id, reference, body_id, procedure, status, title_en, title_ru, text_en, "
                 "text_ru, silence_circulated_on, silence_deadline, created_at) VALUES (1, 'SOC/2021/DEC/1', 1, "
                 "'silence', 'under_silence', 'T', 'Т', '', '', '2021-06-01', '2021-06-15', CURRENT_TIMESTAMP)"))
    upgrade()
    with db.engine.connect() as connection:
        reached = connection.execute(text("SELECT decision_id, delegation_id, as_member FROM "
                                          "silence_circulation")).all()
    assert [(d, g, bool(m)) for d, g, m in reached] == [(1, 1, True)]
    with db.engine.begin() as connection:
        for kind in ("silence_circulated", "silence_reminder", "cycle_finding"):
            connection.execute(notice, {"kind": kind})
    downgrade(revision=before)
    with db.engine.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM notification")).scalars().all()
    assert kinds == ["cycle_finding"]
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(notice, {"kind": "silence_circulated"})


def test_the_search_entry_loses_its_texts_and_gets_them_back_down(unmigrated_app):
    """c7e1f3a5b9d2 drops search_entry.body (the passage is read where the text lives) and, on
    PostgreSQL, creates search_tsquery; going down fills the column again from the same places."""
    from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
    from secretariat_app.documents.models import FileText, TextStatus
    from tests.documents_helpers import body, make_document

    upgrade()
    assert "body" not in {column["name"] for column in inspect(db.engine).get_columns("search_entry")}
    document = make_document("Water note", "Записка о воде")
    version = document.versions[0]
    db.session.add(FileText(sha256=version.file_sha256, status=TextStatus.EXTRACTED,
                            text="Desalination of sea water."))
    decision = Decision(reference="SOC/2024/DEC/9", body_id=body("SOC").id, procedure=Procedure.MEETING,
                        status=DecisionStatus.ADOPTED, title_en="On water", title_ru="О воде",
                        text_en="Decided on water.", text_ru="Решено о воде.")
    db.session.add(decision)
    db.session.commit()
    ids = (document.id, decision.id)
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT search_tsquery('meetings')::text")).scalar_one() \
                == "'meet' | 'meet' | 'meetings'"  # english, russian (Latin: English stems), simple
    downgrade(revision="b7e2c4a9d1f3")
    with db.engine.connect() as connection:
        bodies = dict(connection.execute(text(
            "SELECT kind, body FROM search_entry WHERE (kind = 'document' AND object_id = :d) "
            "OR (kind = 'decision' AND object_id = :n)"), {"d": ids[0], "n": ids[1]}).all())
        functions = (connection.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'search_tsquery'"))
                     .scalar_one() if db.engine.dialect.name == "postgresql" else 0)
    assert bodies == {"document": "Desalination of sea water.", "decision": "Decided on water.\nРешено о воде."}
    assert functions == 0
    upgrade()
    assert _differences() == []
