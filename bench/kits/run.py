"""Building a meeting kit: 50 documents, 200 MB of files, into one ZIP with its
HTML and PDF index (documents/kits/build.py: write_zip), beside a baseline in
the same run: copying the same files, one after the other, into one file.

Target (issue 20): a kit of 50 documents (200 MB) built in under 20 s.

    PYTHONPATH=. .venv/bin/python bench/kits/run.py                  # 50 files of 4 MB
    PYTHONPATH=. .venv/bin/python bench/kits/run.py --files 10 --mb 2 # a small run

Runs on a throwaway SQLite database and file store in a temporary folder."""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--mb", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kits-") as folder:
        root = Path(folder)
        from config import TestConfig
        from secretariat_app import create_app
        from secretariat_app.core.storage import file_store
        from secretariat_app.documents.kits.build import write_zip
        from secretariat_app.documents.kits.services import KitEntry
        from secretariat_app.extensions import db
        from secretariat_app.meetings.models import Meeting

        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'db.sqlite'}",
                                      "FILE_STORE_DIR": str(root / "files"), "MAX_UPLOAD_SIZE": 1 << 30})
        with app.app_context():
            db.create_all()
            meeting = Meeting(body_id=None, title_en="Senior Officials Committee", title_ru="Комитет старших "
                              "должностных лиц", starts_at=datetime(2027, 6, 1, tzinfo=UTC),
                              ends_at=datetime(2027, 6, 2, tzinfo=UTC), created_at=datetime(2026, 1, 1, tzinfo=UTC))
            store, entries = file_store(), []
            size = int(args.mb * 1024 * 1024)
            for number in range(args.files):
                content = b"%PDF-1.7\n%" + os.urandom(size) + b"\n%%EOF\n"
                stored = store.save(io.BytesIO(content), 1 << 31, "a.pdf")
                language = "en" if number % 2 == 0 else "ru"
                entries.append(KitEntry(f"CICA/SOC/2027/{number // 2 + 1}", f"Report {number}", f"Доклад {number}",
                                        "2027-05-20", language, stored.sha256, "pdf", stored.size,
                                        f"CICA-SOC-2027-{number // 2 + 1}-{language}.pdf"))
            total = sum(entry.size for entry in entries)
            started = time.perf_counter()
            with open(root / "baseline.bin", "wb") as target:
                for entry in entries:
                    with open(store.path_for(entry.sha256), "rb") as source:
                        shutil.copyfileobj(source, target, 1 << 20)
                target.flush()
            baseline = time.perf_counter() - started
            started = time.perf_counter()
            built = write_zip(root / "kit.zip", meeting, entries)
            elapsed = time.perf_counter() - started
    print(f"{len(entries)} files, {total / 1e6:.0f} MB")
    print(f"baseline (copy the files into one file): {baseline:.2f} s")
    print(f"kit (ZIP with HTML and PDF index): {elapsed:.2f} s, {built / 1e6:.0f} MB, {elapsed / baseline:.2f}x the "
          f"baseline (target: under 20 s for 50 documents, 200 MB) -> {'met' if elapsed < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
