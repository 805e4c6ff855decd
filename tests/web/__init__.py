"""Web tier tests: the real server on loopback, real clients."""
