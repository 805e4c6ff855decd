"""Serve -> HTTP and the SPARQL 1.1 Protocol: reading requests, negotiating formats, sending answers, headers."""
