"""Serve -> what keeps the endpoint safe to expose: per-client limits, and what it refuses before a query runs.

Their statuses and the request log are web/safety.py and web/requestlog.py.
"""
