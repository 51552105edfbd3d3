"""the latest version of each language, on the document

Revision ID: a9c3e5f7b1d4
Revises: d4f8a2c6e1b3
Create Date: 2026-12-06 19:30:00.000000

The inbox's page shows a download link for the latest version of each language on each
of its rows. It read them with a subquery a row over the versions; the document's row,
which the page reads anyway, now carries them: document.version_languages,
'en:12,ru:13,zh:20', written by triggers on document_version
(secretariat_app/documents/version_languages.py) whenever a version is added, removed or
moved. The upgrade fills it for every document with a version (one pass over the
versions' index: 4.8 s at 100,000 documents, 51 s at a million; docs/benchmarks.md,
2026-12-06 18:20).

The downgrade drops the triggers before the column (SQLite drops no column a trigger names).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a9c3e5f7b1d4'
down_revision = 'd4f8a2c6e1b3'
branch_labels = None
depends_on = None

# Frozen copies of secretariat_app.documents.version_languages (FILL, VERSION_LANGUAGE_TRIGGERS).
FILL = {
    "postgresql": "UPDATE document SET version_languages = (SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM (SELECT v.language, max(v.id) AS latest FROM document_version v WHERE v.document_id = document.id GROUP BY v.language) AS l) WHERE id IN (SELECT document_id FROM document_version)",  # noqa: E501
    "sqlite": "UPDATE document SET version_languages = (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = document.id GROUP BY v.language ORDER BY v.language) AS l) WHERE id IN (SELECT document_id FROM document_version)",  # noqa: E501
}
TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION version_languages_to_document() RETURNS trigger AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE document SET version_languages = (SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM (SELECT v.language, max(v.id) AS latest FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language) AS l) WHERE id = OLD.document_id AND version_languages IS DISTINCT FROM (SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM (SELECT v.language, max(v.id) AS latest FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language) AS l); END IF; IF TG_OP <> 'DELETE' THEN UPDATE document SET version_languages = (SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM (SELECT v.language, max(v.id) AS latest FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language) AS l) WHERE id = NEW.document_id AND version_languages IS DISTINCT FROM (SELECT string_agg(l.language || ':' || l.latest, ',' ORDER BY l.language) FROM (SELECT v.language, max(v.id) AS latest FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language) AS l); END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",  # noqa: E501
        'CREATE TRIGGER version_languages_to_document AFTER INSERT OR DELETE OR UPDATE OF document_id, language ON document_version FOR EACH ROW EXECUTE FUNCTION version_languages_to_document()',  # noqa: E501
    ],
    "sqlite": [
        "CREATE TRIGGER version_languages_to_document_insert AFTER INSERT ON document_version BEGIN UPDATE document SET version_languages = (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language ORDER BY v.language) AS l) WHERE id = NEW.document_id AND version_languages IS NOT (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language ORDER BY v.language) AS l); END",  # noqa: E501
        "CREATE TRIGGER version_languages_to_document_delete AFTER DELETE ON document_version BEGIN UPDATE document SET version_languages = (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language ORDER BY v.language) AS l) WHERE id = OLD.document_id AND version_languages IS NOT (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language ORDER BY v.language) AS l); END",  # noqa: E501
        "CREATE TRIGGER version_languages_to_document_update AFTER UPDATE OF document_id, language ON document_version BEGIN UPDATE document SET version_languages = (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language ORDER BY v.language) AS l) WHERE id = OLD.document_id AND version_languages IS NOT (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = OLD.document_id GROUP BY v.language ORDER BY v.language) AS l); UPDATE document SET version_languages = (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language ORDER BY v.language) AS l) WHERE id = NEW.document_id AND version_languages IS NOT (SELECT group_concat(l.pair, ',') FROM (SELECT v.language || ':' || max(v.id) AS pair FROM document_version v WHERE v.document_id = NEW.document_id GROUP BY v.language ORDER BY v.language) AS l); END",  # noqa: E501
    ],
}
DROPS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS version_languages_to_document ON document_version",
        "DROP FUNCTION IF EXISTS version_languages_to_document()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS version_languages_to_document_update",
        "DROP TRIGGER IF EXISTS version_languages_to_document_delete",
        "DROP TRIGGER IF EXISTS version_languages_to_document_insert",
    ],
}


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    op.add_column('document', sa.Column('version_languages', sa.Text(), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect in FILL:
        op.execute(FILL[dialect])
    _run(TRIGGERS)


def downgrade():
    _run(DROPS)
    # Not a batch operation on SQLite (which would re-create the table without its triggers).
    op.drop_column('document', 'version_languages')
