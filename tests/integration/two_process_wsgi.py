"""The app as gunicorn serves it from wsgi.py, but with the test settings (cheap
password hashes, the test secret key that sealed the factories' second-factor
secrets, mail kept in memory) on the database and file store the environment
names: the servers of test_two_processes.py."""
from __future__ import annotations

import os

from config import TestConfig, normalise_database_url
from secretariat_app import create_app

app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": normalise_database_url(os.environ["DATABASE_URL"]),
                              "FILE_STORE_DIR": os.environ["FILE_STORE_DIR"]})
