"""Notices: the queue of notification rows, the dispatcher that claims and
sends them, their rendering, and a person's own notices and preferences.

- `models`: Notification, NotificationKind, SchedulerLock.
- `services/`: notifications (queue, digest, claim, send, resend), mail (render
  a notice to a message), scheduler_lock (the one beat).
- `web/`: failed notices for officers (blueprint "notices").
- `my_notices/`: a person's own notices and preferences (blueprint "my_notices").
- What each kind's mail says lives with its feature: `meetings/services/mail.py`,
  `cbm/services/mail.py`, and the templates under each feature's `templates/mail/`.
"""
