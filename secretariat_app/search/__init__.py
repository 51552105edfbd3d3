"""Full-text search over documents, meetings, decisions and CBM reports, in
English and Russian: the index (models, fulltext: the one module where
PostgreSQL and SQLite differ), keeping it up to date (indexing), the search
itself (services) and its page (web). Who sees which result is
permissions.search."""
