"""Meeting kits: one ZIP of every document of a meeting that the reader may read
(the newest file of each language asked for), with a bilingual index as HTML
and PDF, built by a worker and kept by the digest of what it holds.

- `services`: what a reader's kit holds (the rule is permissions/documents.py),
  asking for it, and downloading it (audited as a download of each document).
- `build`: the worker's part: the ZIP, written once per digest.
- `index_pdf`: the index as PDF (fpdf2, with a TrueType font that has Cyrillic)."""
