"""Routes: being written."""
