"""Delegate pages for meetings: being written."""
