"""Accounts and states: users, roles and logging in; delegations; states,
organisations, memberships and bodies; the staff register.

- `models/`: people (User, Role, Delegation), sessions (UserSession: one row per
  login), states (State, Membership, Body), staff (StaffAppointment),
  second_factor (RecoveryCode).
- `services/`: users, sessions (start, end, end all, purge), delegations, states,
  staff, reference_data, mail (password reset), second_factor (enrolment, codes,
  the administrator's reset).
- `login`, `passwords`, `browsers`: Flask-Login wiring (the cookie names a session
  row); argon2id hashes; a user agent in a few words.
- `totp`, `sealing`, `second_factor_gate`: one-time and recovery codes; secrets
  sealed with a key from SECRET_KEY; staff without a second factor enrol first
  (docs/security.md#second-factor).
- `auth/`: log in and out, the second step and two-step verification
  (`routes_second_factor`), passwords (blueprint "auth"); the login throttle
  (`throttle`, `devices`: docs/security.md#login-throttling).
- `my_sessions/`: "Your sessions", signing them out (blueprint "my_sessions").
- `admin/`: the officer's administration pages (blueprint "admin"), including
  the audit log page; the audit trail itself is `secretariat_app.audit`.
- `delegation/`: a delegate's own delegation and its meeting registrations
  (blueprint "delegation"; the meeting rules are in `secretariat_app.meetings`).
"""
