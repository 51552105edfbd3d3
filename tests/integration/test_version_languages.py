"""The latest version of each language, on the document (documents/version_languages.py):
the copy says what the versions say, whoever wrote them and whatever changed since, and
the inbox's rows offer exactly the latest version of each language. On SQLite and
PostgreSQL, on the schema built from the models (the test app) and on the one built by
the Alembic revisions (whose upgrade fills the copy of the documents that exist)."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select, text, update

from secretariat_app.documents.models import Document, DocumentVersion
from secretariat_app.documents.services.inbox import _latest_languages, inbox_page
from secretariat_app.extensions import db
from tests.documents_helpers import add_version, cast, circulate, make_document

REVISION = "a9c3e5f7b1d4"


def copies() -> dict[int, dict[str, int]]:
    """Document id -> {language: version id} as each document's copy says."""
    return {id_: _parsed(languages) for id_, languages in
            db.session.execute(text("SELECT id, version_languages FROM document"))}


def truth() -> dict[int, dict[str, int]]:
    """The same, read from the versions."""
    latest = {id_: {} for id_ in db.session.scalars(select(Document.id))}
    for document_id, language, version_id in db.session.execute(
            select(DocumentVersion.document_id, DocumentVersion.language, func.max(DocumentVersion.id))
            .group_by(DocumentVersion.document_id, DocumentVersion.language)):
        latest[document_id][language] = version_id
    return latest


def _parsed(languages: str | None) -> dict[str, int]:
    pairs = [item.rpartition(":") for item in (languages or "").split(",") if item]
    parsed = {language: int(version_id) for language, _, version_id in pairs}
    assert len(parsed) == len(pairs), f"one version a language, not {languages!r}"
    return parsed


def offered(user) -> dict[int, dict[str, int]]:
    """What the inbox's rows offer to download: document id -> {language: version id}."""
    return {row.document_id: dict(row.languages) for row in inbox_page(user).rows}


def _add_in_sql(document_id: int, language: str) -> None:
    """A version written in SQL (as the benchmark's load or a careless script would), of a stored file."""
    sha = db.session.execute(text("SELECT min(file_sha256) FROM document_version")).scalar_one()
    db.session.execute(text("INSERT INTO document_version (document_id, language, is_original, file_sha256, "
                            "uploaded_at) VALUES (:d, :language, false, :sha, CURRENT_TIMESTAMP)"),
                       {"d": document_id, "language": language, "sha": sha})


def exercise_and_check() -> None:
    c = cast()
    documents = [make_document(f"Doc {n}", languages=("en", "ru", "zh") if n % 3 == 1 else ("en", "ru"))
                 for n in range(6)]
    for document in documents:
        circulate(document, c.alpha)
    assert copies() == truth()
    assert {len(languages) for languages in copies().values()} >= {2, 3}
    assert offered(c.a1) == {id_: languages for id_, languages in truth().items() if id_ in offered(c.a1)}
    assert {d.id for d in documents} <= set(offered(c.a1))

    # A new version of a language: the document offers it in place of the old one.
    first = documents[0]
    old_english = truth()[first.id]["en"]
    newer = add_version(first, "en")
    assert copies() == truth() and copies()[first.id]["en"] == newer.id != old_english
    assert offered(c.a1)[first.id]["en"] == newer.id
    # A version in another language added, moved to Russian, removed: the document follows.
    turkish = add_version(first, "tr")
    assert copies() == truth() and offered(c.a1)[first.id]["tr"] == turkish.id
    db.session.execute(update(DocumentVersion).where(DocumentVersion.id == turkish.id).values(language="ru"))
    db.session.commit()
    assert copies() == truth() and "tr" not in copies()[first.id] and copies()[first.id]["ru"] == turkish.id
    db.session.execute(delete(DocumentVersion).where(DocumentVersion.id == turkish.id))
    db.session.commit()
    assert copies() == truth() and copies()[first.id]["ru"] != turkish.id
    # A version moved to another document: both documents told.
    moved = db.session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == documents[1].id,
                                                             DocumentVersion.language == "zh")).one()
    moved.document_id = documents[2].id
    db.session.commit()
    assert copies() == truth()
    assert "zh" not in copies()[documents[1].id] and copies()[documents[2].id]["zh"] == moved.id
    # The last versions removed: no languages left to offer.
    db.session.execute(delete(DocumentVersion).where(DocumentVersion.document_id == documents[3].id))
    db.session.commit()
    assert copies() == truth() and copies()[documents[3].id] == {} and offered(c.a1)[documents[3].id] == {}
    # A version written in SQL: the copy follows.
    _add_in_sql(documents[4].id, "fa")
    db.session.commit()
    assert copies() == truth() and "fa" in copies()[documents[4].id]


def test_the_document_carries_the_latest_version_of_each_language(app_ctx):
    exercise_and_check()


def test_the_migration_fills_the_copy_and_its_triggers_work(migrated_app):
    exercise_and_check()
    expected = truth()
    db.session.commit()
    downgrade(revision=f"{REVISION}-1")  # the column and its triggers go
    db.session.remove()
    assert "version_languages" not in set(db.session.execute(text("SELECT * FROM document LIMIT 0")).keys())
    document_id = db.session.execute(text("SELECT min(id) FROM document")).scalar_one()
    _add_in_sql(document_id, "ar")  # no trigger left to fail on (nor a column for the ORM's Document)
    db.session.commit()
    upgrade()  # and come back filled from the versions
    assert copies() == truth() != expected
    assert "ar" in copies()[document_id]
    exercise_and_check()  # and the triggers fire after the upgrade


@pytest.mark.parametrize(("copy", "expected"), [
    (None, []), ("", []),
    ("en:12", [("en", 12)]),  # one language: the quick path
    ("ru:13,en:12", [("en", 12), ("ru", 13)]),  # English and Russian first, whatever the copy's order
    ("fr:20,en:3,ru:4,en:7", [("en", 7), ("ru", 4), ("fr", 20)]),  # the latest of each; the others by code
    ("en:", []), (":5", []), ("en:x", []), ("en:5,ru:", [("en", 5)]),  # what is not a version is left out
])
def test_the_inbox_reads_the_latest_version_of_each_language_from_the_copy(copy, expected):
    assert _latest_languages(copy) == expected
