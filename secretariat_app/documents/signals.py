"""Signals between the documents feature and what reads its files.

`file_text_changed` is sent (sender: the app, keyword `sha256`) after the text of a
stored file has been committed to `file_text` (extracted, marked a scan or unreadable,
or read again): the search index takes it from there. Receivers run in the sender's
process (the worker) after the commit and must be idempotent."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

file_text_changed = _signals.signal("file-text-changed")
