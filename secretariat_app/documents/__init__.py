"""Documents and the inbox: symbols, language versions, circulation, reading,
acknowledgements, the archive and the delegate's inbox.

- `models`: Document, DocumentVersion, StoredFile, Circulation, Receipt,
  Acknowledgement; `read_state`: ReadHorizon, UnreadMark (what each reader has read) ...
- `services/`: documents (register), versions (upload), circulation (circulate,
  derestrict, withdraw), reading (a document's page, receipts,
  acknowledgements), download (the fast path of a download), inbox (the fast
  path of the delegate's list), archive.
- `text/`: the text of each stored file (file_text), read by the worker after
  the upload commits (readers per format, with limits), and the English and
  Russian text side by side; `signals.file_text_changed` tells the search index.
- `kits/`: meeting kits, one ZIP of a meeting's documents a reader may read,
  with a bilingual index (HTML and PDF), built by the worker.
- `notice_kinds`: the circulated (and daily digest) and acknowledgement chaser
  notices (registered with `notices.kinds`); their mails are `services/mail.py`.
- `web/`: the officers' clearing house and downloads (blueprint "documents").
- `inbox/`: what reached me or my delegation (blueprint "inbox").
- Who may read a document: `permissions/documents.py`, the one module every
  door goes through, from the table in `domain/visibility.py` (pure data).
  The other pure rules: `domain/symbols.py`.
"""
