"""Text extraction of many mixed files: the readers of documents/text/readers.py
over real files of every format (PDF, DOCX, XLSX, PPTX, ODT, ODS, RTF, TXT, and
a tenth of the PDFs scans), in a pool of processes as the Celery worker runs
them, beside a baseline in the same run: the same pool reading and hashing the
same files (the floor of any work that opens every file).

Target (issue 20): 1,000 files in under a minute on two cores.

    PYTHONPATH=. .venv/bin/python bench/extract/run.py              # 1,000 files, 2 processes
    PYTHONPATH=. .venv/bin/python bench/extract/run.py --files 100  # a small run

Making the files is not timed (fpdf2 and the Office libraries write them first)."""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from secretariat_app.documents.text.readers import read_file  # noqa: E402
from tests.text_samples import KINDS, make, scanned_pdf  # noqa: E402

ENGLISH = ("The Conference on Interaction and Confidence-Building Measures in Asia considered energy security, "
           "the safety of transport corridors and the confidence-building measures of its member states. ")
RUSSIAN = ("Совещание по взаимодействию и мерам доверия в Азии рассмотрело вопросы энергетической безопасности, "
           "безопасности транспортных коридоров и мер доверия государств-членов. ")


def make_files(directory: Path, count: int, seed: int = 20) -> list[tuple[Path, str]]:
    """`count` files, the kinds in turn, one to twenty paragraphs each; every tenth PDF a scan."""
    chance = random.Random(seed)
    files = []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        paragraphs = chance.randint(1, 20)
        text = "\n".join((ENGLISH if chance.random() < 0.5 else RUSSIAN) * chance.randint(1, 4)
                         for _ in range(paragraphs))
        data = scanned_pdf() if kind == "pdf" and number % 80 == 0 else make(kind, text)
        path = directory / f"{number:05d}"
        path.write_bytes(data)
        files.append((path, kind))
    return files


def extract(item: tuple[Path, str]) -> str:
    path, kind = item
    return read_file(path, kind).status.value


def digest(item: tuple[Path, str]) -> str:
    return hashlib.sha256(item[0].read_bytes()).hexdigest()[:2]


def timed(pool, work, files) -> tuple[float, list[str]]:
    started = time.perf_counter()
    results = pool.map(work, files, chunksize=8)
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as folder:
        started = time.perf_counter()
        files = make_files(Path(folder), args.files)
        size = sum(path.stat().st_size for path, _kind in files)
        print(f"made {len(files)} files ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s (not timed)")
        with multiprocessing.get_context("fork").Pool(args.processes) as pool:
            pool.map(extract, files[:len(KINDS)])  # the readers imported in every process, as in a running worker
            baseline, _ = timed(pool, digest, files)
            elapsed, outcomes = timed(pool, extract, files)
    rate = len(files) / elapsed
    print(f"baseline (read and hash every file): {baseline:.2f} s")
    print(f"extraction: {elapsed:.2f} s for {len(files)} files on {args.processes} processes, {rate:.0f} files/s, "
          f"{elapsed / baseline:.1f}x the baseline")
    print(f"outcomes: {dict(sorted(Counter(outcomes).items()))}")
    projected = 1000 / rate
    print(f"1,000 files at this rate: {projected:.1f} s (target: under 60 s) -> "
          f"{'met' if projected < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
