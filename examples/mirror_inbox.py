#!/usr/bin/env python3
"""Mirror a delegation's inbox from the CICA Secretariat API to a local folder.

    CICA_TOKEN=cica_... python mirror_inbox.py https://secretariat.example/ ./cica-inbox

Each run lists only what changed since the last one (`GET /api/v1/inbox?updated_since=...`,
in the order of the documents' ids, each row with the latest file of each language and its
SHA-256), writes each document's metadata (`<symbol>/document.json`) and downloads the files
it does not have, checking every file's SHA-256 against the API's metadata before keeping it.
Its progress is kept in `<folder>/.mirror-state.json` after every page,
so a run that stops (a lost connection, Ctrl-C) resumes where it stopped. A file already
there with the right SHA-256 is not fetched again. With `--metadata-only` it keeps the metadata and fetches no file
(a registry that takes the files later, or a first look at a large inbox).

The token needs the `read` scope; it acts as its owner, so each file downloaded counts as
read by them and is in the Secretariat's audit log, as a download on the site is.

Needs httpx (`pip install httpx`). Exit status: 0 done, 1 an error (the state is kept)."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx

EPOCH = "1970-01-01T00:00:00+00:00"
STATE_FILE = ".mirror-state.json"
PER_PAGE = 500
WRITERS = 8  # threads writing a page's documents (the disk's waits overlap)
# Changes committed a little out of order are not missed: each run looks back this far and
# skips what it already has (same `updated_at`).
OVERLAP = timedelta(minutes=2)


@dataclass
class Summary:
    listed: int = 0
    documents_written: int = 0
    files_downloaded: int = 0


class MirrorError(Exception):
    pass


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "document"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)


class Mirror:
    def __init__(self, client: httpx.Client, folder: Path, metadata_only: bool = False, per_page: int = PER_PAGE):
        self.client, self.folder, self.metadata_only, self.per_page = client, folder, metadata_only, per_page
        self.state_path = folder / STATE_FILE
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.state.setdefault("documents", {})
        self.summary = Summary()

    def _get(self, url: str, **params: object) -> httpx.Response:
        for _attempt in range(5):
            response = self.client.get(url, params={k: v for k, v in params.items() if v is not None})
            if response.status_code == 429:  # the token's rate limit: wait as told
                time.sleep(min(60.0, float(response.headers.get("Retry-After", "1"))))
                continue
            if response.status_code >= 400:
                detail = response.json().get("detail") if response.headers.get("content-type", "").startswith(
                    "application/problem+json") else response.text[:200]
                raise MirrorError(f"{url}: {response.status_code} {detail}")
            return response
        raise MirrorError(f"{url}: still rate-limited after 5 tries")

    def _save_state(self) -> None:
        # Compact: written after every page, it holds a line for every document mirrored.
        _write_atomically(self.state_path, json.dumps(self.state, separators=(",", ":")).encode())

    def run(self) -> Summary:
        run = self.state.get("run")
        if run is None:  # a new run, looking back OVERLAP from the last one's latest change
            since = datetime.fromisoformat(self.state.get("updated_since", EPOCH))
            since = max(datetime.fromisoformat(EPOCH), since - OVERLAP) if "updated_since" in self.state else since
            run = self.state["run"] = {"since": since.isoformat(), "cursor": None,
                                       "latest": self.state.get("updated_since", EPOCH)}
        # The next page is asked for while this one is written; a page's documents are written by
        # WRITERS threads (each its own folder and files); the state is the main thread's alone.
        with ThreadPoolExecutor(1) as reader, ThreadPoolExecutor(WRITERS) as writers:
            page = self._page(run["since"], run["cursor"])
            while True:
                following = reader.submit(self._page, run["since"], page["next_cursor"]) \
                    if page["next_cursor"] is not None else None
                for item, (entry, downloaded) in zip(page["items"], writers.map(self._document, page["items"]),
                                                     strict=True):
                    self.summary.listed += 1
                    if entry is not None:
                        self.state["documents"][str(item["id"])] = entry
                        self.summary.documents_written += 1
                        self.summary.files_downloaded += downloaded
                    run["latest"] = max(run["latest"], item["updated_at"], key=datetime.fromisoformat)
                run["cursor"] = page["next_cursor"]
                self._save_state()  # resumable after every page
                if following is None:
                    break
                page = following.result()
        self.state["updated_since"] = run["latest"]
        del self.state["run"]
        self._save_state()
        return self.summary

    def _page(self, since: str, cursor: str | None) -> dict:
        return self._get("/api/v1/inbox", updated_since=since, cursor=cursor, per_page=self.per_page).json()

    def _document(self, item: dict) -> tuple[dict | None, int]:
        """The listing's row is the document's metadata, with the latest file of each language: its
        state's entry (None: nothing to do) and how many files were downloaded."""
        known = self.state["documents"].get(str(item["id"]))
        if known and known["updated_at"] == item["updated_at"] and (self.metadata_only or (
                known["files"] is not None and all((self.folder / path).is_file() for path in known["files"]))):
            return None, 0  # a run that fetches files fetches those a metadata-only run left (files: null)
        place = self.folder / _safe(item["symbol"])
        files, downloaded = [], 0
        for entry in [] if self.metadata_only else item["files"]:
            path = place / _safe(entry["file_name"])
            if not (path.is_file() and _sha256(path) == entry["sha256"]):
                self._download(entry, path)
                downloaded += 1
            files.append(str(path.relative_to(self.folder)))
        _write_atomically(place / "document.json", json.dumps(item, indent=1, ensure_ascii=False).encode())
        return {"updated_at": item["updated_at"], "files": None if self.metadata_only else files}, downloaded

    def _download(self, entry: dict, path: Path) -> None:
        digest = hashlib.sha256()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.client.stream("GET", entry["download_url"]) as response:
            if response.status_code != 200:
                raise MirrorError(f"{entry['download_url']}: {response.status_code}")
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                for chunk in response.iter_bytes():
                    digest.update(chunk)
                    handle.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            os.unlink(handle.name)
            raise MirrorError(f"{entry['file_name']}: SHA-256 {digest.hexdigest()} is not {entry['sha256']}")
        os.replace(handle.name, path)


def mirror(base_url: str, token: str, folder: Path, metadata_only: bool = False, per_page: int = PER_PAGE) -> Summary:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60.0) as client:
        return Mirror(client, folder, metadata_only, per_page).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the Secretariat's address, e.g. https://secretariat.example/")
    parser.add_argument("folder", type=Path, help="where the mirror is kept")
    parser.add_argument("--metadata-only", action="store_true",
                        help="keep each document's metadata (document.json), fetch no file")
    parser.add_argument("--per-page", type=int, default=PER_PAGE, help=f"rows a request (1-1000, default {PER_PAGE})")
    args = parser.parse_args(argv)
    token = os.environ.get("CICA_TOKEN", "")
    if not token:
        parser.error("set CICA_TOKEN to an access token with the read scope")
    try:
        summary = mirror(args.url, token, args.folder, args.metadata_only, args.per_page)
    except (MirrorError, httpx.HTTPError) as error:
        print(f"mirror_inbox: {error}", file=sys.stderr)
        return 1
    print(json.dumps(summary.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
