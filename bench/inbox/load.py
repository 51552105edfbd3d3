"""Bulk loader of the inbox benchmark: a fresh PostgreSQL database with the
app's schema and reference data, then 100,000 documents, 1,000 users and over
a million circulation rows (or, `--scale un`, 193 delegations, 20,000 users, a
million documents and ten million circulations), written server-side with
INSERT ... SELECT over generate_series (no row crosses the wire), the big
tables' secondary indexes built once afterwards, the search texts written by
two connections at once.

Used by run.py; runnable alone to keep a loaded database for poking at:

    .venv/bin/python bench/inbox/load.py --documents 10000 --workdir /tmp/cica-bench
    .venv/bin/python bench/inbox/load.py --scale un --fraction 0.02 --workdir /tmp/cica-un
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from argon2 import PasswordHasher, Type

ROOT = Path(__file__).resolve().parents[2]          # /work/main
VENV_BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DEFAULT_DB = "secretariat_bench"
# gunicorn's workers for the app and the baselines alike: deploy's rule, "about two per
# core" (deploy/secretariat-web.service ships --workers 4 for two cores). With two, a
# sync worker waiting for PostgreSQL or for the disk (the download's durable audit entry)
# leaves its core idle; bare send_file and the bare page never wait. --workers 2: the
# setup of the figures before 2026-12-06 (docs/benchmarks.md).
WORKERS = 2 * (os.cpu_count() or 1)
BENCH_EMAIL = "bench.delegate@bench.cica.example"
OFFICER_EMAIL = "bench.officer@bench.cica.example"
BENCH_STATE = "KAZ"            # the bench user's delegation: a member
TEN_MB = 10 * 1024 * 1024
RECEIPT_PROFILES = ("steady", "half", "none")
N_DELEGATES = 999              # + one Secretariat officer = 1,000 users


@dataclass(frozen=True)
class Scale:
    """What a run loads: the benchmark's own size, or a UN body's (issue 21)."""

    documents: int
    circulations: int
    users: int                 # delegates + one Secretariat officer
    delegations: int           # at least the reference data's 38 and Benchland
    other_readers_every: int = 10   # 1 in N of the other users reads ...
    other_reads_every: int = 10     # ... 1 in N of what reached them


BENCH = Scale(100_000, 1_200_000, N_DELEGATES + 1, 39)
UN = Scale(1_000_000, 10_000_000, 20_000, 193)


def scaled(scale: Scale, fraction: float) -> Scale:
    """A fraction of a scale's documents, circulations and users (not of its delegations):
    to try the path of a size this machine should not load in full."""
    if fraction >= 1:
        return scale
    return Scale(max(1000, int(scale.documents * fraction)), max(10_000, int(scale.circulations * fraction)),
                 max(scale.delegations * 2, int(scale.users * fraction)), scale.delegations,
                 scale.other_readers_every, scale.other_reads_every)

# The 39th delegation: reference data has 38 states and organisations.
EXTRA_STATE = ("BNCH", None, "state", "Benchland (benchmark)", "Бенчландия (нагрузочный тест)",
               "observer", "2020-01-01")

DOC_TYPES = [  # value, English label, Russian label
    ("agenda", "Agenda", "Повестка дня"),
    ("draft_decision", "Draft decision", "Проект решения"),
    ("decision", "Decision", "Решение"),
    ("report", "Report", "Доклад"),
    ("concept_paper", "Concept paper", "Концептуальная записка"),
    ("action_plan", "Action plan", "План действий"),
    ("note_verbale", "Note verbale", "Вербальная нота"),
    ("information_note", "Information note", "Информационная записка"),
    ("other", "Document", "Документ"),
]
TOPICS = [
    ("confidence building measures in the economic dimension", "мерах доверия в экономическом измерении"),
    ("new challenges and threats", "новых вызовах и угрозах"),
    ("the environmental dimension", "экологическом измерении"),
    ("the human dimension", "человеческом измерении"),
    ("the military-political dimension", "военно-политическом измерении"),
    ("the budget of the Secretariat", "бюджете Секретариата"),
    ("energy security", "энергетической безопасности"),
    ("food security", "продовольственной безопасности"),
    ("information and communication technologies", "информационно-коммуникационных технологиях"),
    ("tourism and connectivity", "туризме и взаимосвязанности"),
    ("counter-terrorism cooperation", "сотрудничестве в борьбе с терроризмом"),
    ("the rules of procedure", "правилах процедуры"),
    ("the transformation of CICA", "трансформации СВМДА"),
]
# The words of the documents' texts (search_entry): 60 drawn per document, English for
# the English versions, Russian (inflected) for the Russian ones. RARE_WORD is in 1 of
# RARE_EVERY documents; "security"/"безопасности" are in most (common words).
TEXT_WORDS_EN = (
    "security cooperation dialogue confidence measures member states delegation secretariat conference "
    "meeting meetings senior officials committee working group report implementation plan activity "
    "activities economic environmental human dimension military political threats challenges energy "
    "transport corridors tourism agriculture finance trade investment sustainable development protection "
    "natural disaster management civilisations media culture education science sports terrorism drugs "
    "epidemiological exchange information observers exercises visits budget contribution proposal "
    "amendment procedure consensus silence decision draft adopted approved coordinator partner region "
    "regional stability peace prosperity connectivity digital technologies communication food water"
).split()
TEXT_WORDS_RU = (
    "безопасности безопасность безопасностью сотрудничества сотрудничество диалога доверия меры мер "
    "государств государства делегации секретариата совещания совещание старших должностных лиц комитета "
    "рабочей группы доклада доклад осуществления плана деятельности экономического экологического "
    "человеческого измерения военно политического угроз вызовов энергетической энергетика транспортных "
    "коридоров туризма сельского хозяйства финансов торговли инвестиций устойчивого развития защиты "
    "стихийных бедствий цивилизаций средств информации культуры образования науки спорта терроризма "
    "наркотиков обмена наблюдателей учений визитов бюджета взносов предложения поправки процедуры "
    "консенсуса решения проекта утверждено координатора региона стабильности мира процветания"
).split()
RARE_WORD, RARE_EVERY = "kaleidoscope", 5000
# In the titles of one topic of TOPICS' fourteen (about 7.7 % of the documents): a word
# neither common nor rare, the hardest for a search that walks newest first.
LESS_COMMON_WORD = "transformation"
SEARCHED_SYMBOL = "CICA/SOC/2015/17"  # its pieces: two in every document, a year, a serial
TEXT_WORDS_PER_DOCUMENT = 60
OTHER_LANGUAGE_EVERY = 50  # 1 document in 50 has a version in another (its original) language
# The SHA-256 (as text) of document d's file, in SQL: a name of its own per document.
TEXT_FILE_SHA = "encode(sha256(('bench-text-' || d.id)::bytea), 'hex')"

# Body shares: SOC and SWG meet most and write most.
BODY_WEIGHTS = [("SOC", 8), ("SWG", 6), ("MFA", 3), ("SUMMIT", 2), ("MFA_INFORMAL", 1)]


@dataclass
class LoadInfo:
    db_name: str
    pg_url: str                 # libpq URL of the bench database
    file_store: str
    password: str
    bench_email: str
    bench_user_id: int
    bench_delegation_id: int
    big_file: str               # path of the 10 MB file in the store
    big_version_id: int         # a version of a document circulated to the bench delegation
    documents: int
    circulations: int
    receipts: int
    bench_inbox_size: int
    bench_unread: int
    seconds: dict
    receipt_profile: str = "steady"
    filter_meeting_id: int = 0   # a meeting with documents circulated to the bench delegation (its filter)
    filter_body_id: int = 0      # a body (SOC), for the body filter
    sizes: dict | None = None    # bytes on disk of each table and index (table_sizes)
    users: int = 0
    delegations: int = 0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def read(cls, path: Path) -> LoadInfo:
        return cls(**json.loads(path.read_text()))


def db_url(pg_url: str, name: str) -> str:
    return f"{pg_url.rstrip('/')}/{name}"


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def drop_database(pg_url: str, name: str) -> None:
    with psycopg.connect(db_url(pg_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(pg_url: str, name: str) -> None:
    drop_database(pg_url, name)
    with psycopg.connect(db_url(pg_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def app_env(database_url: str, workdir: Path, file_store: Path, production: bool = True) -> dict:
    """The environment the real app runs with: production settings for serving;
    the development class for the schema step (`flask db upgrade`, `flask seed`),
    which needs no key."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRETARIAT_ENV", "FLASK_DEBUG")}
    env.update(
        DATABASE_URL=database_url,
        FILE_STORE_DIR=str(file_store),
        INSTANCE_DIR=str(workdir / "instance"),   # keeps the repository's instance/ untouched
        RATELIMIT_STORAGE_URI="memory://",
        # The search's per-user limit stays on (it is counted on every search request, as in
        # production) but far above what wrk sends, so that the measured pages are the results.
        READ_LIMIT_SEARCH="10000000 per minute",
        API_RATE_LIMIT="10000000 per minute",  # the API's per-token limit: likewise counted, never reached
        MAIL_BACKEND="console",
        PYTHONUNBUFFERED="1",
    )
    if production:
        env.update(SECRETARIAT_ENV="production", SECRET_KEY=secrets.token_urlsafe(36)[:48])
    return env


def build_schema(env: dict, log) -> None:
    """The app's own schema (migrations) and reference data (+ recorded meetings)."""
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for args in (["db", "upgrade"], ["seed", "--no-demo"]):
        result = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        log(f"  flask {' '.join(args)}: ok")


def sql_text_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def pdf_bytes(size: int, seed: int) -> bytes:
    """A file that starts like a PDF, padded with pseudo-random bytes to `size`."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    tail = b"\n%%EOF\n"
    body, block, counter = bytearray(), b"", 0
    while len(body) < size - len(head) - len(tail):
        block = hashlib.sha512(f"{seed}:{counter}".encode()).digest()
        body += block * 64
        counter += 1
    return head + bytes(body[: size - len(head) - len(tail)]) + tail


def store_file(root: Path, content: bytes) -> str:
    sha = hashlib.sha256(content).hexdigest()
    path = root / sha[:2] / sha[2:4] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return sha


def circulation_shape(documents: int, circulations: int, delegations: int) -> tuple[int, int, float]:
    """Each document goes to k delegations, k in [lo, hi], k = lo + floor((hi-lo+1) * u**a)
    with u uniform: `a` is chosen so the mean k gives about `circulations` rows."""
    mean = circulations / documents
    hi = delegations
    if mean >= hi:
        return hi, hi, 1.0
    lo = max(1, min(10, int(mean)))
    width = hi - lo + 1
    extra = max(mean - lo, 0.01)          # E[floor(width * u**a)] ~ width/(a+1) - 1/2
    a = max(width / (extra + 0.5) - 1, 0.01)
    return lo, hi, a


def without_indexes(conn: psycopg.Connection, table: str):
    """Drop `table`'s secondary indexes and unique constraints (not its primary key); returns
    a function that makes them again from their own definitions: a bulk insert, then one
    sorted build each, instead of an index update per row."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'u'", (table,)).fetchall()
    indexes = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
        (table, table)).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for name, _ in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def rebuild() -> None:
        for name, definition in constraints:
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            conn.execute(definition)
    return rebuild


def bulk_load(conn: psycopg.Connection, documents: int, circulations: int, file_store: Path,
              password_hash: str, log, receipts: str = "steady", scale: Scale = BENCH,
              url: str = "") -> dict:
    """Everything after the schema and the reference data. Returns facts run.py needs."""
    timings = {}
    n_delegates = scale.users - 1

    def step(name, sql, params=None):
        started = time.perf_counter()
        cur = conn.execute(sql, params if params is not None else {})
        took = time.perf_counter() - started
        timings[name] = round(took, 2)
        rows = cur.rowcount
        log(f"  {name:<34} {rows:>10,} rows {took:7.2f} s")
        return cur

    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET work_mem = '256MB'")
    # Generated rows are consistent by construction: skip the per-row foreign key
    # triggers while loading (superuser only; the bench connects as postgres).
    conn.execute("SET session_replication_role = replica")

    # --- the 39th delegation -------------------------------------------------
    code, iso2, kind, name_en, name_ru, status, since = EXTRA_STATE
    conn.execute(
        "INSERT INTO state (code, iso2, kind, name_en, name_ru) VALUES (%s, %s, %s, %s, %s)",
        (code, iso2, kind, name_en, name_ru))
    conn.execute(
        "INSERT INTO membership (state_id, status, valid_from, note) "
        "SELECT id, %s, %s, 'benchmark' FROM state WHERE code = %s", (status, since, code))
    conn.execute(
        "INSERT INTO delegation (state_id, created_at) SELECT id, now() FROM state WHERE code = %s", (code,))
    # A UN body's 193: member states of their own beyond the reference data's and Benchland.
    missing = scale.delegations - conn.execute("SELECT count(*) FROM delegation").fetchone()[0]
    if missing > 0:
        conn.execute("""
            INSERT INTO state (code, iso2, kind, name_en, name_ru)
            SELECT format('U%%s', lpad(n::text, 3, '0')), NULL, 'state', format('Member state %%s', n),
                   format('Государство-член %%s', n)
            FROM generate_series(1, %s) n""", (missing,))
        conn.execute("INSERT INTO membership (state_id, status, valid_from, note) "
                     "SELECT id, 'member', '2020-01-01', 'benchmark' FROM state WHERE code ~ '^U[0-9]{3}$'")
        conn.execute("INSERT INTO delegation (state_id, created_at) SELECT id, now() FROM state "
                     "WHERE code ~ '^U[0-9]{3}$'")
    conn.execute(
        "CREATE TEMP TABLE bench_deleg AS "
        "SELECT (row_number() OVER (ORDER BY d.id) - 1)::int AS j, d.id, s.code "
        "FROM delegation d JOIN state s ON s.id = d.state_id")
    n_deleg = conn.execute("SELECT count(*) FROM bench_deleg").fetchone()[0]
    bench_j, bench_delegation_id = conn.execute(
        "SELECT j, id FROM bench_deleg WHERE code = %s", (BENCH_STATE,)).fetchone()
    log(f"  delegations: {n_deleg} (bench delegation {BENCH_STATE} id {bench_delegation_id})")

    # --- users: one officer, the delegates spread over the delegations --------
    step("users", f"""
        INSERT INTO user_account (id, email, name, password_hash, language, timezone, active,
                                  delegation_id, created_at)
        SELECT 1, %(officer)s, 'Bench Officer', %(hash)s, 'en', 'Asia/Almaty', true, NULL, now()
        UNION ALL
        SELECT n + 2,
               CASE WHEN n = %(bench_n)s THEN %(bench)s ELSE format('delegate%%s@bench.cica.example', n) END,
               format('Delegate %%s of %%s', n, d.code), %(hash)s,
               CASE WHEN n %% 3 = 0 THEN 'ru' ELSE 'en' END, 'Asia/Almaty', true, d.id, now()
        FROM generate_series(0, {n_delegates - 1}) n JOIN bench_deleg d ON d.j = n %% {n_deleg}
        """, {"officer": OFFICER_EMAIL, "hash": password_hash, "bench_n": bench_j, "bench": BENCH_EMAIL})
    conn.execute("INSERT INTO user_role (user_id, role) SELECT id, "
                 "CASE WHEN id = 1 THEN 'officer' ELSE 'delegate' END FROM user_account")
    bench_user_id = bench_j + 2

    # --- stored files: a few small ones and the 10 MB one -------------------
    small = [store_file(file_store, pdf_bytes(20_000 + 35_000 * i, i)) for i in range(8)]
    big_file_sha = store_file(file_store, pdf_bytes(TEN_MB, 1000))
    for sha in small + [big_file_sha]:
        size = (file_store / sha[:2] / sha[2:4] / sha).stat().st_size
        conn.execute("INSERT INTO stored_file (sha256, size, content_type, extension, created_at) "
                     "VALUES (%s, %s, 'application/pdf', 'pdf', now())", (sha, size))

    # --- documents -----------------------------------------------------------
    bodies = dict(conn.execute("SELECT code, id FROM body").fetchall())
    body_slots = [bodies[code] for code, weight in BODY_WEIGHTS for _ in range(weight)]
    conn.execute("CREATE TEMP TABLE bench_meeting AS SELECT body_id, "
                 "(row_number() OVER (PARTITION BY body_id ORDER BY id) - 1)::int AS k, id, "
                 "count(*) OVER (PARTITION BY body_id)::int AS n FROM meeting")
    conn.execute("CREATE INDEX ON bench_meeting (body_id, k)")
    body_array = "ARRAY[" + ",".join(map(str, body_slots)) + "]"
    rebuild_documents = without_indexes(conn, "document")
    step("documents", f"""
        WITH g AS (
            SELECT i,
                   ({body_array})[1 + abs(hashint4(i * 7 + 1)) %% {len(body_slots)}] AS body_id,
                   2000 + abs(hashint4(i * 7 + 2)) %% 26 AS year,
                   1 + abs(hashint4(i * 7 + 3)) %% {len(DOC_TYPES)} AS t,
                   1 + abs(hashint4(i * 7 + 4)) %% {len(TOPICS)} AS topic,
                   abs(hashint4(i * 7 + 5)) %% 100 AS lv,
                   abs(hashint4(i * 7 + 6)) %% 10 AS orig
            FROM generate_series(1, %(n)s) i
        ), s AS (
            SELECT g.*, row_number() OVER (PARTITION BY body_id, year ORDER BY i) AS serial,
                   timestamptz '2000-01-01 00:00:00+00'
                     + make_interval(years => year - 2000)
                     + make_interval(secs => (abs(hashint4(i * 7 + 7)) %% 31449600) + (i %% 997) / 1000.0)
                     AS circulated_at
            FROM g
        )
        INSERT INTO document (id, symbol, body_id, year, serial, base_id, version_kind, version_number,
                              title_en, title_ru, doc_type, originator, originator_delegation_id,
                              meeting_id, agenda_item_id, level, status, status_reason, created_by_id,
                              created_at, circulated_at)
        SELECT s.i,
               format('CICA/%%s/%%s/%%s', b.code, s.year, s.serial),
               s.body_id, s.year, s.serial, NULL, NULL, NULL,
               ({sql_text_array([t[1] for t in DOC_TYPES])})[s.t] || ' on '
                   || ({sql_text_array([t[0] for t in TOPICS])})[s.topic]
                   || format(' (%%s, part %%s)', s.year, 1 + s.i %% 7),
               ({sql_text_array([t[2] for t in DOC_TYPES])})[s.t] || ' о '
                   || ({sql_text_array([t[1] for t in TOPICS])})[s.topic]
                   || format(' (%%s, часть %%s)', s.year, 1 + s.i %% 7),
               ({sql_text_array([t[0] for t in DOC_TYPES])})[s.t],
               (ARRAY['secretariat','secretariat','secretariat','chair','chair','delegation','delegation',
                      'coordinator','organisation','secretariat'])[1 + s.orig],
               CASE WHEN s.orig IN (5, 6) THEN (SELECT id FROM bench_deleg WHERE j = s.i %% {n_deleg}) END,
               CASE WHEN s.i %% 3 = 0 THEN (SELECT m.id FROM bench_meeting m
                                           WHERE m.body_id = s.body_id AND m.k = s.i %% m.n) END,
               NULL,
               CASE WHEN s.lv < 60 THEN 'general' WHEN s.lv < 98 THEN 'limited' ELSE 'restricted' END,
               'circulated', '', 1, s.circulated_at - interval '2 days', s.circulated_at
        FROM s JOIN body b ON b.id = s.body_id
        """, {"n": documents})
    conn.execute("SELECT setval(pg_get_serial_sequence('document', 'id'), (SELECT max(id) FROM document))")
    conn.execute("INSERT INTO symbol_counter (body_id, year, last_serial) "
                 "SELECT body_id, year, max(serial) FROM document GROUP BY body_id, year")

    # Each version a file of its own, whose extracted text (file_text, index_texts) the search
    # indexes and marks its passages in. Only their rows: no page of the bench opens them (the
    # download is the 10 MB file's, below).
    rebuild_versions = without_indexes(conn, "document_version")
    step("stored files (rows only)", f"""
        INSERT INTO stored_file (sha256, size, content_type, extension, created_at)
        SELECT {TEXT_FILE_SHA}, 20000, 'application/pdf', 'pdf', created_at FROM document d
        """)
    step("document versions", f"""
        INSERT INTO document_version (document_id, language, is_original, file_sha256, uploaded_by_id, uploaded_at)
        SELECT id, CASE WHEN id %% 10 < 7 THEN 'en' ELSE 'ru' END, true, {TEXT_FILE_SHA}, 1, created_at
        FROM document d
        """)

    # --- circulation: each document to k of the delegations --------------------
    lo, hi, a = circulation_shape(documents, circulations, n_deleg)
    width = hi - lo + 1
    rebuild_circulations = without_indexes(conn, "circulation")
    # Document d goes to the k delegations j with (7 j + 11 d) mod n < k, k = lo + floor(width * u**a):
    # written as j = 7^-1 (r - 11 d) mod n for r in 0..k-1 (n and 7 coprime), so that only the rows
    # written are computed (not documents x delegations: 193 million at a UN body's size).
    if n_deleg % 7 == 0:
        raise RuntimeError(f"{n_deleg} delegations: the circulation formula needs a count prime to 7")
    inverse = pow(7, -1, n_deleg)
    step("circulations", f"""
        INSERT INTO circulation (document_id, delegation_id, circulated_at, circulated_by_id, year, meeting_id,
                                 document_level, document_status)
        SELECT d.id, dl.id, d.circulated_at, 1, d.year, d.meeting_id, d.level, d.status
        FROM document d
        CROSS JOIN LATERAL generate_series(
            0, {lo} + floor({width} * power(abs(hashint4(d.id * 7 + 8)) / 2147483648.0, {a}))::int - 1) r
        JOIN bench_deleg dl ON dl.j = (({inverse} * ((r - 11 * d.id) %% {n_deleg} + {n_deleg})) %% {n_deleg})
        WHERE r < {n_deleg}
        """)
    started = time.perf_counter()
    rebuild_documents()
    rebuild_versions()
    rebuild_circulations()
    took = timings["indexes (documents, circulations)"] = round(time.perf_counter() - started, 2)
    log(f"  {'indexes (documents, circulations)':<34} {'':>10}      {took:7.2f} s")
    # RESTRICTED documents go through named persons: the first user of each receiving
    # delegation, and the bench user for every other one (the rest stay hidden from them).
    step("named recipients", """
        INSERT INTO named_recipient (document_id, user_id, added_at, year, meeting_id, document_level,
                                     document_status)
        SELECT c.document_id, u.user_id, c.circulated_at, c.year, c.meeting_id, c.document_level, c.document_status
        FROM circulation c JOIN document d ON d.id = c.document_id AND d.level = 'restricted'
        JOIN LATERAL (
            SELECT min(id) AS user_id FROM user_account WHERE delegation_id = c.delegation_id
            UNION
            SELECT %(bench)s WHERE c.delegation_id = %(deleg)s AND c.document_id %% 2 = 0
        ) u ON true
        """, {"bench": bench_user_id, "deleg": bench_delegation_id})

    # --- the 10 MB file: a GENERAL document circulated to the bench delegation ---
    big_doc = conn.execute(
        "SELECT c.document_id FROM circulation c JOIN document d ON d.id = c.document_id "
        "WHERE c.delegation_id = %s AND d.level = 'general' ORDER BY c.document_id LIMIT 1",
        (bench_delegation_id,)).fetchone()[0]
    big_version_id = conn.execute(
        "UPDATE document_version SET file_sha256 = %s WHERE document_id = %s RETURNING id",
        (big_file_sha, big_doc)).fetchone()[0]

    # The texts are written by two connections at once: they must see the documents.
    conn.commit()
    timings["search index"] = index_texts(conn, log, url)

    # --- originals in another language: 1 document in 50 also has a version in the language
    # it was written in (the domain's "and the original language where it differs"), so the
    # inbox's filter "another (original) language" lists something: 2,000 of 100,000
    # documents, 20,000 of a UN body's million. Added after the search index (the document's
    # text is its English or Russian version's), with that version's file. Not the 10 MB
    # file's document: its download stays one version. The lists' copy (documents/
    # list_filters.py: the triggers are off during the load) written here.
    step("versions in another language", f"""
        INSERT INTO document_version (document_id, language, is_original, file_sha256, uploaded_by_id, uploaded_at)
        SELECT document_id, (ARRAY['zh', 'tr', 'fa', 'ar'])[1 + document_id %% 4], true, file_sha256, 1, uploaded_at
        FROM document_version WHERE document_id %% {OTHER_LANGUAGE_EVERY} = 7 AND document_id <> %(big)s
        """, {"big": big_doc})
    for table in ("circulation", "named_recipient"):
        step(f"{table}: another language", f"""
            UPDATE {table} SET other_language = true WHERE document_id IN
                (SELECT document_id FROM document_version WHERE language NOT IN ('en', 'ru'))
            """)
    # The document's copy of its latest version of each language (documents/version_languages.py,
    # whose triggers are off too), as its FILL writes it, in one pass over the versions.
    step("document: latest version of each language", """
        UPDATE document d SET version_languages = l.languages
        FROM (SELECT document_id, string_agg(language || ':' || latest, ',' ORDER BY language) AS languages
              FROM (SELECT document_id, language, max(id) AS latest FROM document_version
                    GROUP BY document_id, language) AS v
              GROUP BY document_id) AS l
        WHERE l.document_id = d.id
        """)

    # --- receipts. The bench user, by `receipts`:
    #     steady: a delegate who keeps up: everything read but ~1 in 3,000 and half of
    #             the 40 newest, so page 1 mixes ~30 unread (first) and read (then newest);
    #     half:   a random half read: page 1 is 50 unread;
    #     none:   nothing read.
    #     And 1 in 10 other users read 1 in 10 of theirs. -------------------------
    if receipts == "steady":
        step("receipts (bench user)", """
            INSERT INTO receipt (user_id, document_id, read_at)
            SELECT %(user)s, c.document_id, c.circulated_at + interval '3 hours'
            FROM circulation c
            WHERE c.delegation_id = %(deleg)s AND abs(hashint4(c.document_id * 13 + 1)) %% 3000 <> 0
              AND NOT (c.document_id IN (SELECT document_id FROM circulation WHERE delegation_id = %(deleg)s
                                         ORDER BY circulated_at DESC LIMIT 40)
                       AND c.document_id %% 2 = 0)
            """, {"user": bench_user_id, "deleg": bench_delegation_id})
    elif receipts == "half":
        step("receipts (bench user)", """
            INSERT INTO receipt (user_id, document_id, read_at)
            SELECT %(user)s, c.document_id, c.circulated_at + interval '3 hours'
            FROM circulation c
            WHERE c.delegation_id = %(deleg)s AND abs(hashint4(c.document_id * 13 + 1)) %% 2 = 0
            """, {"user": bench_user_id, "deleg": bench_delegation_id})
    rebuild_receipts = without_indexes(conn, "receipt")
    step("receipts (other users)", """
        INSERT INTO receipt (user_id, document_id, read_at)
        SELECT u.id, c.document_id, c.circulated_at + interval '1 day'
        FROM user_account u JOIN circulation c ON c.delegation_id = u.delegation_id
        WHERE u.id %% %(readers)s = 0 AND u.id <> %(user)s
          AND abs(hashint4(c.document_id * 13 + u.id)) %% %(reads)s = 0
        """, {"user": bench_user_id, "readers": scale.other_readers_every, "reads": scale.other_reads_every})
    started = time.perf_counter()
    rebuild_receipts()
    timings["indexes (receipts)"] = round(time.perf_counter() - started, 2)
    step("acknowledgements", """
        INSERT INTO acknowledgement (document_id, delegation_id, acknowledged_at, acknowledged_by_id)
        SELECT c.document_id, c.delegation_id, c.circulated_at + interval '2 days', u.user_id
        FROM circulation c
        JOIN (SELECT delegation_id, min(id) AS user_id FROM user_account
              WHERE delegation_id IS NOT NULL GROUP BY delegation_id) u ON u.delegation_id = c.delegation_id
        WHERE abs(hashint4(c.document_id * 13 + c.delegation_id)) %% 3 = 0
        """)
    # What each user has not read needs nothing more here: receipts say it, and the read
    # horizons of those who keep up are moved after the commit by the app's own pass
    # (read_state_pass), as the beat moves them every night.
    conn.execute("SET session_replication_role = origin")

    counts = dict(conn.execute("""
        SELECT 'documents', count(*) FROM document UNION ALL
        SELECT 'circulations', count(*) FROM circulation UNION ALL
        SELECT 'receipts', count(*) FROM receipt UNION ALL
        SELECT 'users', count(*) FROM user_account UNION ALL
        SELECT 'delegations', count(*) FROM delegation
        """).fetchall())
    inbox_size, unread = conn.execute("""
        SELECT count(*), count(*) FILTER (WHERE r.id IS NULL)
        FROM circulation c LEFT JOIN receipt r ON r.document_id = c.document_id AND r.user_id = %s
        WHERE c.delegation_id = %s""", (bench_user_id, bench_delegation_id)).fetchone()
    filter_meeting_id = conn.execute(
        "SELECT d.meeting_id FROM circulation c JOIN document d ON d.id = c.document_id "
        "WHERE c.delegation_id = %s AND d.meeting_id IS NOT NULL GROUP BY d.meeting_id "
        "ORDER BY count(*) DESC, d.meeting_id LIMIT 1", (bench_delegation_id,)).fetchone()[0]
    return {
        "filter_meeting_id": filter_meeting_id, "filter_body_id": bodies["SOC"],
        "timings": timings, "counts": counts, "bench_user_id": bench_user_id,
        "bench_delegation_id": bench_delegation_id, "big_file_sha": big_file_sha,
        "big_version_id": big_version_id, "inbox_size": inbox_size, "unread": unread,
    }


def index_texts(conn: psycopg.Connection, log, url: str, connections: int = 2) -> float:
    """The extracted text of every document's file (file_text) and the search index
    (search_entry) of every document, written server-side: what the extraction
    worker and secretariat_app/search/indexing.py write for a document (its
    symbol's pieces and titles weighted A, its text weighted D, english/russian/
    simple as in search/fulltext.py), with a text of TEXT_WORDS_PER_DOCUMENT words
    drawn per document in its version's language; the GIN index is built once
    afterwards. `connections` connections write a share of the documents each (by
    id), at once."""
    started = time.perf_counter()
    conn.execute("DROP INDEX IF EXISTS ix_search_entry_terms")
    rebuild = without_indexes(conn, "search_entry")
    conn.commit()
    texts = f"""
        INSERT INTO file_text (sha256, status, text, attempts, error, extracted_at)
        SELECT v.file_sha256, 'extracted',
               array_to_string(ARRAY(
                   SELECT CASE WHEN v.language = 'ru'
                               THEN ({sql_text_array(TEXT_WORDS_RU)})[1 + abs(hashint4(d.id * 61 + k))
                                                                   %% {len(TEXT_WORDS_RU)}]
                               ELSE ({sql_text_array(TEXT_WORDS_EN)})[1 + abs(hashint4(d.id * 61 + k))
                                                                   %% {len(TEXT_WORDS_EN)}] END
                   FROM generate_series(1, {TEXT_WORDS_PER_DOCUMENT}) k), ' ')
               || CASE WHEN abs(hashint4(d.id * 67)) %% {RARE_EVERY} = 0 THEN ' {RARE_WORD}' ELSE '' END,
               0, '', now()
        FROM document d JOIN document_version v ON v.document_id = d.id
        WHERE d.id %% %(connections)s = %(share)s AND v.file_sha256 = {TEXT_FILE_SHA}
        """
    entries = """
        INSERT INTO search_entry (kind, object_id, indexed_at, terms)
        SELECT 'document', d.id, now(),
               setweight(to_tsvector('simple', translate(d.symbol, '/.', '  ')), 'A')
               || setweight(to_tsvector('english', d.title_en), 'A')
               || setweight(to_tsvector('russian', d.title_ru), 'A')
               || to_tsvector(CASE WHEN v.language = 'ru' THEN 'russian' ELSE 'english' END::regconfig,
                              coalesce(t.text, ''))
        FROM document d JOIN document_version v ON v.document_id = d.id
        LEFT JOIN file_text t ON t.sha256 = v.file_sha256
        WHERE d.id %% %(connections)s = %(share)s
        """
    written: list[int] = []

    def write(share: int) -> None:
        with psycopg.connect(url) as own:
            own.execute("SET synchronous_commit = off")
            own.execute(texts, {"connections": connections, "share": share})
            written.append(own.execute(entries, {"connections": connections, "share": share}).rowcount)

    threads = [threading.Thread(target=write, args=(share,)) for share in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(written) != connections:
        raise RuntimeError("a connection writing the search texts failed (see above)")
    rows = sum(written)
    rebuild()
    conn.execute("CREATE INDEX ix_search_entry_terms ON search_entry USING gin (terms)")
    took = round(time.perf_counter() - started, 2)
    log(f"  {'texts and search index (GIN)':<34} {rows:>10,} rows {took:7.2f} s")
    return took


def read_state_pass(env: dict, url: str, bench_user_id: int, bench_delegation_id: int, log) -> float:
    """The app's own pass over the read state (`flask read-state advance`, what the beat runs
    every night: documents/services/read_horizon.py): a horizon and its few marks for each
    user who keeps up, nothing for the others. Then checks that the bench user's unread
    documents, as the horizon and marks say, are what their receipts say."""
    started = time.perf_counter()
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "read-state", "advance"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"flask read-state advance failed:\n{result.stdout}\n{result.stderr}")
    took = round(time.perf_counter() - started, 2)
    with psycopg.connect(url) as conn:
        horizons, marks = conn.execute(
            "SELECT (SELECT count(*) FROM read_horizon), (SELECT count(*) FROM unread_mark)").fetchone()
        truth, represented = conn.execute("""
            WITH h AS (SELECT coalesce((SELECT horizon_at FROM read_horizon WHERE user_id = %(user)s),
                                       '-infinity'::timestamptz) AS at)
            SELECT count(*) FILTER (WHERE r.id IS NULL),
                   count(*) FILTER (WHERE (c.circulated_at > h.at AND r.id IS NULL) OR (c.circulated_at <= h.at
                                    AND EXISTS (SELECT 1 FROM unread_mark m WHERE m.user_id = %(user)s
                                                AND m.document_id = c.document_id AND NOT m.named)))
            FROM circulation c CROSS JOIN h
            LEFT JOIN receipt r ON r.document_id = c.document_id AND r.user_id = %(user)s
            WHERE c.delegation_id = %(deleg)s""", {"user": bench_user_id, "deleg": bench_delegation_id}).fetchone()
    if truth != represented:
        raise RuntimeError(f"the read state says {represented} unread for the bench user, receipts say {truth}")
    log(f"  {'read state (horizons, marks)':<34} {horizons:>10,} horizons, {marks:,} marks {took:7.2f} s")
    return took


def table_sizes(url: str) -> dict:
    """Bytes on disk of each table (heap, with TOAST) and each of its indexes, and the total."""
    with psycopg.connect(url) as conn:
        tables = conn.execute("""
            SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC""").fetchall()
        indexes = conn.execute("""
            SELECT t.relname, i.relname, pg_relation_size(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public'
            ORDER BY t.relname, pg_relation_size(i.oid) DESC""").fetchall()
    return {name: {"table": table, "indexes": index, "total": total,
                   "each index": {i: size for t, i, size in indexes if t == name}}
            for name, table, index, total in tables}


READ_STATE_TABLES = ("read_horizon", "unread_mark")
SEARCH_TABLES = ("search_entry",)


def report_sizes(sizes: dict, log, top: int = 12) -> bool:
    """Print the sizes (the largest tables, each with its indexes) and check issue 21's
    "read-state and search tables together smaller than the circulation table"."""
    def mb(n: int) -> str:
        return f"{n / 1e6:,.1f} MB"

    log(f"  {'table / index':<48}{'heap':>12}{'indexes':>12}{'total':>12}")
    shown = list(sizes)[:top] + [name for name in READ_STATE_TABLES + ("receipt", "file_text")
                                 if name in list(sizes)[top:]]
    for name in shown:
        size = sizes[name]
        log(f"  {name:<48}{mb(size['table']):>12}{mb(size['indexes']):>12}{mb(size['total']):>12}")
        for index, bytes_ in size["each index"].items():
            log(f"    {index:<46}{'':>12}{mb(bytes_):>12}")
    rest = sum(size["total"] for name, size in sizes.items() if name not in shown)
    log(f"  {'(the other ' + str(len(sizes) - len(shown)) + ' tables)':<48}{'':>24}{mb(rest):>12}")
    total = lambda names: sum(sizes.get(name, {}).get("total", 0) for name in names)  # noqa: E731
    read_state, search, circulation = total(READ_STATE_TABLES), total(SEARCH_TABLES), total(("circulation",))
    ok = read_state + search < circulation
    log(f"  read state ({' + '.join(READ_STATE_TABLES)}) {mb(read_state)} + search ({', '.join(SEARCH_TABLES)}) "
        f"{mb(search)} = {mb(read_state + search)} against circulation {mb(circulation)}: "
        f"{'smaller: met' if ok else 'NOT smaller: MISSED'}")
    log(f"  (receipts, the reading record the read state is derived from, kept before as now: "
        f"{mb(total(('receipt',)))}; file_text, the files' extracted text that search indexes and "
        f"marks its passages in: {mb(total(('file_text',)))})")
    return ok


def load(pg_url: str, db_name: str, workdir: Path, documents: int, circulations: int, log=print,
         receipts: str = "steady", scale: Scale = BENCH) -> LoadInfo:
    """Create, migrate, seed and bulk-load the bench database; files go under workdir.
    `scale` gives the users and delegations (and the other users' reading);
    `documents` and `circulations` the rest."""
    workdir.mkdir(parents=True, exist_ok=True)
    file_store = workdir / "files"
    file_store.mkdir(exist_ok=True)
    url = db_url(pg_url, db_name)
    seconds = {}
    started = time.perf_counter()

    create_database(pg_url, db_name)
    schema_env = app_env(url, workdir, file_store, production=False)
    build_schema(schema_env, log)
    seconds["schema and reference data"] = round(time.perf_counter() - started, 2)

    # One hash for every user: argon2id with the production parameters (config.Config),
    # so logging in costs what it costs in production and nothing is rehashed.
    from config import Config
    password = "bench-" + secrets.token_urlsafe(12)
    t = time.perf_counter()
    password_hash = PasswordHasher(time_cost=Config.ARGON2_TIME_COST, memory_cost=Config.ARGON2_MEMORY_COST,
                                   parallelism=Config.ARGON2_PARALLELISM, type=Type.ID).hash(password)
    seconds["password hash (once)"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    with psycopg.connect(url, autocommit=False) as conn:
        facts = bulk_load(conn, documents, circulations, file_store, password_hash, log, receipts, scale, url)
        conn.commit()
    seconds["bulk load"] = round(time.perf_counter() - t, 2)
    seconds.update({f"  {k}": v for k, v in facts["timings"].items()})

    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    seconds["VACUUM ANALYZE"] = round(time.perf_counter() - t, 2)
    seconds["read state (flask read-state advance)"] = read_state_pass(
        schema_env, url, facts["bench_user_id"], facts["bench_delegation_id"], log)
    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE read_horizon")
        conn.execute("VACUUM ANALYZE unread_mark")
    seconds["total"] = round(time.perf_counter() - started, 2)

    counts = facts["counts"]
    log(f"  loaded: {counts['documents']:,} documents, {counts['circulations']:,} circulations, "
        f"{counts['users']:,} users, {counts['delegations']} delegations, {counts['receipts']:,} receipts")
    log(f"  bench user's inbox: {facts['inbox_size']:,} documents, {facts['unread']:,} unread")
    big_sha = facts["big_file_sha"]
    return LoadInfo(
        db_name=db_name, pg_url=url, file_store=str(file_store), password=password,
        bench_email=BENCH_EMAIL, bench_user_id=facts["bench_user_id"],
        bench_delegation_id=facts["bench_delegation_id"],
        big_file=str(file_store / big_sha[:2] / big_sha[2:4] / big_sha),
        big_version_id=facts["big_version_id"], documents=counts["documents"],
        circulations=counts["circulations"], receipts=counts["receipts"],
        bench_inbox_size=facts["inbox_size"], bench_unread=facts["unread"], seconds=seconds,
        receipt_profile=receipts, filter_meeting_id=facts["filter_meeting_id"],
        filter_body_id=facts["filter_body_id"], sizes=table_sizes(url), users=counts["users"],
        delegations=counts["delegations"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("bench", "un"), default="bench",
                        help="bench: 39 delegations, 1,000 users (default); un: 193 delegations, 20,000 users, "
                             "1,000,000 documents, 10,000,000 circulations")
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="load this share of the scale's documents, circulations and users (e.g. 0.02)")
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--circulations", type=int, default=None)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--db-name", default=DEFAULT_DB)
    parser.add_argument("--receipts", choices=RECEIPT_PROFILES, default="steady")
    parser.add_argument("--workdir", type=Path, required=True, help="where the file store and info.json go")
    args = parser.parse_args()
    scale = scaled(UN if args.scale == "un" else BENCH, args.fraction)
    info = load(args.pg_url, args.db_name, args.workdir, args.documents or scale.documents,
                args.circulations or scale.circulations, receipts=args.receipts, scale=scale)
    info.save(args.workdir / "info.json")
    report_sizes(info.sizes or {}, print)
    print(f"loaded in {info.seconds['total']:.1f} s; facts in {args.workdir / 'info.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
