"""The text of stored files: reading it out of each format (`readers`, no
database) and keeping it in `file_text` (`extraction`: the worker's task, the
beat's sweep of pending rows, the command line), for full-text search and the
side-by-side view. Who may read a text is the document's rule
(permissions/documents.py): a text is only ever shown through a document."""
