"""Loading the reference data shipped in secretariat_app/data: states and
organisations, their memberships, the bodies, and a delegation for each.

Loading is an upsert keyed on natural keys, so a second load changes nothing."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import (
    Body,
    Membership,
    MembershipStatus,
    State,
    StateKind,
)
from secretariat_app.audit import services as audit
from secretariat_app.core.loading import LoadReport, upsert
from secretariat_app.extensions import db

DATA_DIR = Path(__file__).resolve().parents[2] / "data"  # secretariat_app/data


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_states(report: LoadReport, data_dir: Path = DATA_DIR) -> dict[str, State]:
    states = {s.code: s for s in db.session.scalars(select(State))}
    for row in read_csv("states.csv", data_dir):
        values = {
            "iso2": row["iso2"] or None,
            "kind": StateKind(row["kind"]),
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
        }
        state = states.get(row["code"])
        if state is None:
            state = State(code=row["code"], **values)
            db.session.add(state)
            states[state.code] = state
            report.count("created", "states")
        else:
            upsert(state, values, report, "states")
    db.session.flush()
    return states


def load_memberships(states: dict[str, State], report: LoadReport, data_dir: Path = DATA_DIR) -> None:
    for row in read_csv("memberships.csv", data_dir):
        state = states[row["code"]]
        status = MembershipStatus(row["status"])
        valid_from = date.fromisoformat(row["valid_from"])
        values = {
            "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            "note": row["note"],
        }
        existing = next(
            (m for m in state.memberships if m.status == status and m.valid_from == valid_from), None
        )
        if existing is None:
            state.memberships.append(Membership(status=status, valid_from=valid_from, **values))
            report.count("created", "memberships")
        else:
            upsert(existing, values, report, "memberships")


def load_bodies(report: LoadReport, data_dir: Path = DATA_DIR) -> None:
    bodies = {b.code: b for b in db.session.scalars(select(Body))}
    for row in read_csv("bodies.csv", data_dir):
        values = {
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "numbered": row["numbered"] == "1",
            "rhythm_en": row["rhythm_en"],
        }
        body = bodies.get(row["code"])
        if body is None:
            db.session.add(Body(code=row["code"], **values))
            report.count("created", "bodies")
        else:
            upsert(body, values, report, "bodies")


def ensure_delegations(states: dict[str, State], report: LoadReport) -> None:
    """Every state or organisation with a status in CICA has a delegation."""
    have = set(db.session.scalars(select(Delegation.state_id)))
    for state in states.values():
        if state.memberships and state.id not in have:
            db.session.add(Delegation(state_id=state.id))
            report.count("created", "delegations")


def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    """Load everything in one transaction: all of it lands, or none."""
    with audit.recorded_load("reference_data.load", "reference_data", "all") as report:
        states = load_states(report, data_dir)
        load_memberships(states, report, data_dir)
        load_bodies(report, data_dir)
        db.session.flush()
        ensure_delegations(states, report)
    return report
