"""Serve -> the HTTP servers the app runs under (gunicorn, granian): each maps the same settings onto its own."""
