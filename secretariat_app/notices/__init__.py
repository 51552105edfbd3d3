"""Notices: the queue of notification rows, the dispatcher that claims and
sends them, their rendering, the registry of notice kinds, and a person's own
notices and preferences.

- `models`: Notification, NotificationKind, SchedulerLock.
- `kinds`: the registry, one entry per kind (label, subject, renderer,
  templates, preference, digest); its docstring says how to add a kind. Each
  feature registers its kinds from its own `notice_kinds.py`.
- `services/`: queue (rows in the caller's transaction, who may be mailed),
  dispatch (claim, send, retry, take back), digest (the daily digest),
  rendering (a row to a message; helpers for renderers), resend (failed
  notices), schedule (a subject's rows kept matching the instants it wants
  them at: meeting reminders, CBM report deadlines), scheduler_lock (the one beat). Imports go one way: dispatch →
  rendering → digest → kinds; nothing here imports a feature
  (tests/test_import_graph.py).
- `web/`: failed notices for officers (blueprint "notices").
- `my_notices/`: a person's own notices and preferences (blueprint "my_notices").
- What each kind's mail says lives with its feature: `meetings/services/mail.py`,
  `documents/services/mail.py`, `cycles/services/mail.py`, `cbm/services/mail.py`,
  and the templates under each feature's `templates/mail/`.
"""
