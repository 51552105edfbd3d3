"""search entry without texts, and the search's tsquery as a function

The search index keeps no copy of the texts: `search_entry.body` (up to 60,000
characters of each object's texts, kept for the marked passage) is dropped.
The passage is now marked, for the rows of a result page only, in the text where
it lives: a document's extracted text (file_text, the latest version in each
language), a decision's and a CBM report's own columns (search/services.py).
At 100,000 documents the column was 56 of the table's 187 MB (issue 21: the
read-state and search tables together smaller than the circulation table).

On PostgreSQL, the search's tsquery (websearch_to_tsquery in three
configurations, the Russian stems by their prefix) becomes an IMMUTABLE SQL
function, search_tsquery(words): a statement names it once per use instead of
writing it out (the search page's statement was 10 kB, and psycopg keeps the
parse of statements of 4 kB at most), and PostgreSQL still evaluates it once
while planning, so that the planner sees the words. The upgrade rewrites the
table (CLUSTER) so that the dropped column's space comes back at once.

The downgrade adds the column back and fills it from the same sources, and
drops the function.

Revision ID: c7e1f3a5b9d2
Revises: b7e2c4a9d1f3
Create Date: 2026-12-06 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e1f3a5b9d2'
down_revision = 'b7e2c4a9d1f3'
branch_labels = None
depends_on = None

MAX_BODY_CHARS = 60000  # frozen copy of secretariat_app.search.fulltext.MAX_BODY_CHARS
# Frozen copy of secretariat_app.search.fulltext.TSQUERY_FUNCTION.
TSQUERY_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_tsquery(words text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT websearch_to_tsquery('english'::regconfig, words) || to_tsquery('simple'::regconfig, regexp_replace(regexp_replace(websearch_to_tsquery('russian'::regconfig, words)::text, '''([а-яё]{4})''', '''\\1'':*', 'g'), '''([а-яё]{4,})[а-яё]''', '''\\1'':*', 'g')) || websearch_to_tsquery('simple'::regconfig, words) $$"
)


def upgrade():
    # SQLite (3.35 and later) drops a column in place: the FTS5 table and its trigger stay.
    op.drop_column('search_entry', 'body')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TSQUERY_FUNCTION)
        op.execute("CLUSTER search_entry USING pk_search_entry")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS search_tsquery(text)")
    op.add_column('search_entry', sa.Column('body', sa.Text(), nullable=False, server_default=''))
    postgresql = op.get_bind().dialect.name == "postgresql"
    newline = "chr(10)" if postgresql else "char(10)"
    aggregate = f"string_agg(t.text, {newline})" if postgresql else f"group_concat(t.text, {newline})"
    op.execute(f"""
        UPDATE search_entry SET body = coalesce((
            SELECT substr({aggregate}, 1, {MAX_BODY_CHARS})
            FROM document_version v JOIN file_text t ON t.sha256 = v.file_sha256
            WHERE v.document_id = search_entry.object_id AND t.status = 'extracted'
              AND NOT EXISTS (SELECT 1 FROM document_version n WHERE n.document_id = v.document_id
                              AND n.language = v.language AND n.id > v.id)), '')
        WHERE kind = 'document'""")
    op.execute(f"""
        UPDATE search_entry SET body = coalesce((
            SELECT substr(d.text_en || {newline} || d.text_ru, 1, {MAX_BODY_CHARS})
            FROM decision d WHERE d.id = search_entry.object_id), '')
        WHERE kind = 'decision'""")
    op.execute(f"""
        UPDATE search_entry SET body = coalesce((
            SELECT substr(r.summary_en || {newline} || r.summary_ru, 1, {MAX_BODY_CHARS})
            FROM cbm_annual_report r WHERE r.id = search_entry.object_id), '')
        WHERE kind = 'cbm_report'""")
