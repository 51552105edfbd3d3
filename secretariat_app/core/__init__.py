"""What every feature uses: the base templates and macros, mail sending, the
file store and file types, language and time zone, labels, error pages,
security headers, CSRF tokens, column types and the PostgreSQL connection
habits. Nothing here knows a feature.

- `columns`: UTC timestamps and enum columns for every model.
- `localisation`, `labels`: the reader's language and zone; translated labels.
- `mail`, `storage`: sending mail, the content-addressed store.
- `filetypes`, `sniffing`, `office_files`: uploads accepted by their content
  under a name that agrees (the types and refusals; what a file is; the
  Office containers' limits): docs/security.md#uploads.
- `errors`, `security_headers`, `csrf_tokens`: readable refusals, headers, tokens.
- `counters`, `read_limits`: throttle counters (Redis, or the process while it is
  down); the per-user limits on searches, exports and feeds.
- `cache_generation`, `models`: what lets a web process keep rows in memory and
  still see at once a change made through any other process or host.
- `navigation`, `pg_connections`: fast paths (each module says what it trades
  and which benchmark proves it).
- `db_failover`: a lost database connection: reads run again once, anything
  else a 503 "try again" page.
- `main/`: the home page that sends each reader to their start, and /health.
- `templates/`: base.html, macros.html, _nav.html, errors/, mail/_layout.html.
"""
