"""Query runtime: users' queries in warm, killable processes (pool, worker, frames, row caps, streaming).

Imports no Flask and no HTTP library, so a query process starts with the store and Oxigraph's
serialisers only; the web worker negotiates formats and checks requests before a job gets here.
"""
