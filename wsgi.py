"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi ...`."""
import gc

from secretariat_app import create_app

app = create_app()
# What the app built at start-up lives as long as the process: keep it out of the
# garbage collector's passes, which otherwise walk it again and again (a request
# allocates enough to trigger several).
gc.freeze()
