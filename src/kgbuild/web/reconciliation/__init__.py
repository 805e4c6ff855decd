"""Serve -> the W3C Entity Reconciliation API 0.2 behind /reconcile (web/reconcile.py): ids, the manifest,
query batches, candidates, properties and data extension, suggest and preview, one module each."""
