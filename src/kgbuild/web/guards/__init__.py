"""Serve -> what keeps the endpoint safe to expose: per-client limits (limits.py), the statuses of
what is refused or times out (safety.py) and one log line per request (requestlog.py)."""
