"""Importing the recorded history: all or nothing, with file, row and column for a bad row."""
from __future__ import annotations

import shutil
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.cycles.services.history_import import (
    HistoryImportError,
    import_history,
)
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)

FILES = ("meetings_history.csv", "chairmanships_history.csv", "informal_ministerial_history.csv")


@pytest.fixture
def history_dir(tmp_path) -> Path:
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Meeting.id))), db.session.scalar(select(func.count(Chairmanship.id))))


def test_the_real_history_imports_once(reference, history_dir):
    report = import_history(history_dir, today=date(2025, 6, 1))
    assert report.created == {"SUMMIT meetings": 7, "MFA meetings": 7, "MFA_INFORMAL meetings": 7, "chairmanships": 6}
    assert _counts() == (21, 6)
    assert not import_history(history_dir, today=date(2025, 6, 1)).changed
    assert _counts() == (21, 6)


def test_imported_meetings_and_chairs_carry_the_record(reference, history_dir):
    import_history(history_dir, today=date(2025, 6, 1))
    fifth = db.session.scalar(select(Meeting).join(Meeting.body)
                              .where(Meeting.number == 5, Meeting.title_en.like("%Summit")))
    assert (fifth.title_en, fifth.city, fifth.host_state.name_en) == ("5th CICA Summit", "Dushanbe", "Tajikistan")
    assert fifth.title_ru == "5-й Саммит СВМДА"
    assert fifth.date_precision is DatePrecision.MONTH and fifth.starts_at.year == 2019 and fifth.starts_at.month == 6
    assert fifth.status is MeetingStatus.HELD
    # The members of the day were invited: the 26 of 2015 and Sri Lanka (2018).
    assert len(fifth.invitations) == 27
    assert "LKA" in {i.delegation.state.code for i in fifth.invitations}
    planned = db.session.scalar(select(Meeting).where(Meeting.number == 7, Meeting.city == "Baku"))
    assert planned.status is MeetingStatus.PLANNED  # its note says "Planned"
    seventh_mfa = db.session.scalar(select(Meeting).where(Meeting.number == 7, Meeting.format == MeetingFormat.ONLINE))
    assert seventh_mfa.status is MeetingStatus.HELD  # "Planned in Baku; held online"
    chairs = db.session.scalars(select(Chairmanship).order_by(Chairmanship.starts_on)).all()
    assert [(c.state.code, c.starts_on, c.ends_on) for c in chairs[:2]] == [
        ("KAZ", date(2002, 1, 1), date(2009, 12, 31)), ("TUR", date(2010, 1, 1), date(2013, 12, 31))]
    assert chairs[-1].ends_on == date(2026, 12, 31)  # the last term runs to the end of its year
    # Contiguous: exactly one chair every day from 2002.
    for earlier, later in pairwise(chairs):
        assert (later.starts_on - earlier.ends_on).days == 1


def _corrupt(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name, old, new, where", [
    ("meetings_history.csv", "SUMMIT,5,2019", "SUMMIT,5,20x9", "meetings_history.csv, row 11, column year"),
    ("meetings_history.csv", "SUMMIT,5,2019", "PLENARY,5,2019", "meetings_history.csv, row 11, column body"),
    ("meetings_history.csv", "SUMMIT,5,2019,6", "SUMMIT,5,2019,13", "meetings_history.csv, row 11, column month"),
    ("meetings_history.csv", "Dushanbe,Tajikistan", "Dushanbe,Atlantis",
     "meetings_history.csv, row 11, column host_state"),
    ("meetings_history.csv", "SUMMIT,6,2022", "SUMMIT,5,2022", "meetings_history.csv, column number"),
    ("meetings_history.csv", "body,number,year", "body,no,year", "meetings_history.csv, row 1, column number"),
    ("chairmanships_history.csv", "China,2014,2018", "China,2013,2018", "chairmanships_history.csv, column start_year"),
    ("chairmanships_history.csv", "China,2014,2018", "China,2014,abc",
     "chairmanships_history.csv, row 4, column end_year"),
    ("informal_ministerial_history.csv", "2013,9,New York,in_person,", "2013,9,New York,in_person,x,y",
     "informal_ministerial_history.csv, row 3: more fields"),
    ("informal_ministerial_history.csv", "2013,9,New York,in_person", "2013,9,New York,by_letter",
     "informal_ministerial_history.csv, row 3, column format"),
])
def test_a_bad_row_is_named_and_nothing_is_imported(reference, history_dir, name, old, new, where):
    _corrupt(history_dir, name, old, new)
    with pytest.raises(HistoryImportError) as error:
        import_history(history_dir)
    assert str(error.value).startswith(where), str(error.value)
    assert _counts() == (0, 0)


def test_a_missing_file_is_named(reference, history_dir):
    (history_dir / "chairmanships_history.csv").unlink()
    with pytest.raises(HistoryImportError, match="chairmanships_history.csv: file not found"):
        import_history(history_dir)
    assert _counts() == (0, 0)


def test_cli_reports_the_error_and_exit_code(app, history_dir):
    from secretariat_app.accounts.services.reference_data import load_reference_data

    with app.app_context():
        load_reference_data()
    _corrupt(history_dir, "meetings_history.csv", "MFA,6,2021", "MFA,6,twenty")
    result = app.test_cli_runner().invoke(args=["cycles", "import-history", str(history_dir)])
    assert result.exit_code != 0
    assert ("nothing imported: meetings_history.csv, row 12, column year: 'twenty' is not a whole number"
            in result.output)


def test_the_record_carries_russian_venues_notes_and_bases(reference, history_dir):
    import_history(history_dir, today=date(2025, 6, 1))
    fifth = db.session.scalar(select(Meeting).where(Meeting.number == 5, Meeting.title_en.like("%Summit")))
    assert (fifth.venue("ru"), fifth.venue("en")) == ("Душанбе", "Dushanbe")
    assert fifth.note_in("ru").startswith("Проведён на год позже") and fifth.note_in("en").startswith("Held one")
    informal = db.session.scalars(select(Meeting).where(Meeting.city == "New York")).all()
    assert informal and {m.venue("ru") for m in informal} == {"Нью-Йорк"}
    chairs = db.session.scalars(select(Chairmanship).order_by(Chairmanship.starts_on)).all()
    assert chairs[0].basis_in("ru") == "Первый председатель до 3-го Саммита"
    assert all(c.basis_ru for c in chairs)


def test_files_without_the_russian_columns_still_import(reference, history_dir):
    """The Russian columns are optional: an older file imports, and English is shown in Russian."""
    import csv

    for name in FILES:
        path = history_dir / name
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        english = [c for c in rows[0] if not c.endswith("_ru")]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, english, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    import_history(history_dir, today=date(2025, 6, 1))
    fifth = db.session.scalar(select(Meeting).where(Meeting.number == 5, Meeting.title_en.like("%Summit")))
    assert fifth.city_ru == "" and fifth.venue("ru") == "Dushanbe"
