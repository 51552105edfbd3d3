"""The baselines of the inbox benchmark: the least a Flask + SQLAlchemy app can
do to show a delegation 50 rows. One indexed query (circulation joined to
document for one delegation, newest first, LIMIT 50 over the index
ix_circulation_delegation_id_circulated_at), ORM rows, a Jinja template; no
login, no session, no access check. Plus `/bare`, the bare page (issue 21): the
same query and the same HTML, but Core rows (no ORM entity) rendered by a
template compiled once at start (no render_template); and `/file`: a bare
send_file of the same 10 MB file the real app serves through its access check.

Served by run.py with gunicorn (as many workers as the app) on the benchmark database:

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/secretariat_bench \\
    BENCH_DELEGATION_ID=13 BENCH_FILE=/path/to/10mb.pdf \\
    .venv/bin/gunicorn -w 2 --chdir bench/inbox baseline_app:app
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import Flask, render_template, send_file
from flask_sqlalchemy import SQLAlchemy
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import DateTime, ForeignKey, Integer, String, bindparam, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Document(db.Model):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(80))
    title_en: Mapped[str] = mapped_column(String(400))
    title_ru: Mapped[str] = mapped_column(String(400))
    doc_type: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)


class Circulation(db.Model):
    __tablename__ = "circulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    delegation_id: Mapped[int] = mapped_column(Integer)
    circulated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# The bare page's statement: the baseline's join, as Core columns.
_C, _D = Circulation.__table__, Document.__table__
BARE_ROWS = (
    select(_D.c.id, _D.c.symbol, _D.c.title_en, _D.c.title_ru, _D.c.doc_type, _D.c.level, _C.c.circulated_at)
    .join(_D, _D.c.id == _C.c.document_id)
    .where(_C.c.delegation_id == bindparam("delegation_id"))
    .order_by(_C.c.circulated_at.desc())
    .limit(50)
)


def create_app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_DATABASE_URL"]
    db.init_app(app)
    delegation_id = int(os.environ["BENCH_DELEGATION_ID"])
    big_file = os.environ.get("BENCH_FILE", "")

    @app.get("/")
    def index():
        rows = db.session.execute(
            select(Circulation, Document)
            .join(Document, Document.id == Circulation.document_id)
            .where(Circulation.delegation_id == delegation_id)
            .order_by(Circulation.circulated_at.desc())
            .limit(50)
        ).all()
        return render_template("baseline_list.html", rows=rows)

    # Compiled here, once per process; rendered with no Flask context processors.
    bare_template = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True).get_template("bare_list.html")

    @app.get("/bare")
    def bare():
        with db.engine.connect() as connection:
            rows = connection.execute(BARE_ROWS, {"delegation_id": delegation_id}).all()
        return bare_template.render(rows=rows)

    @app.get("/file")
    def file():
        return send_file(big_file, mimetype="application/pdf", as_attachment=True,
                         download_name="CICA-BENCH-2025-1-en.pdf")

    return app


app = create_app()
