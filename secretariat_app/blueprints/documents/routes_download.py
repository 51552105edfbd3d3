"""Download route: being written."""
