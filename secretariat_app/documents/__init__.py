"""Documents and the inbox: symbols, language versions, circulation, reading,
acknowledgements, the archive and the delegate's inbox.

- `models`: Document, DocumentVersion, StoredFile, Circulation, Receipt,
  Acknowledgement, UnreadCirculation ...
- `services/`: documents (register), versions (upload), circulation (circulate,
  derestrict, withdraw), reading (a document's page, receipts,
  acknowledgements), download (the fast path of a download), inbox (the fast
  path of the delegate's list), archive.
- `notice_kinds`: the circulated (and daily digest) and acknowledgement chaser
  notices (registered with `notices.kinds`); their mails are `services/mail.py`.
- `web/`: the officers' clearing house and downloads (blueprint "documents").
- `inbox/`: what reached me or my delegation (blueprint "inbox").
- Who may read a document: `permissions/documents.py`, the one module every
  door goes through, from the table in `domain/visibility.py` (pure data).
  The other pure rules: `domain/symbols.py`.
"""
