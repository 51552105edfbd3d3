"""The notice pipeline: queueing, dispatching, sending, rendering."""
