"""The notice pipeline: queue, dispatch, digest, rendering, resend (see the package's docstring)."""
