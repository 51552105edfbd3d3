"""The shipped history without its chairmanship decisions: every departure from
the chair rule is then a warning, as the tests of officers' notices need."""
from __future__ import annotations

import shutil
from pathlib import Path

from secretariat_app.accounts.services.reference_data import DATA_DIR

WITHOUT_DECISIONS = ("meetings_history.csv", "chairmanships_history.csv", "informal_ministerial_history.csv")


def record_without_decisions(directory: Path) -> Path:
    """Copies the three files of meetings and chairmanships (not chairmanship_decisions.csv) into `directory`."""
    for name in WITHOUT_DECISIONS:
        shutil.copy(DATA_DIR / name, directory / name)
    return directory
