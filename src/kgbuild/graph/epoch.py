"""Graph stage: the time a build records, from SOURCE_DATE_EPOCH when it is set (reproducible-builds.org)."""

from __future__ import annotations

import os
from datetime import datetime, timezone


def build_time() -> datetime:
    """SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set, else the clock; whole seconds, UTC.

    :raises ValueError: SOURCE_DATE_EPOCH is set but is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not epoch.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970-01-01 UTC; "
                         "set it to one, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")
    return datetime.fromtimestamp(int(epoch), timezone.utc)
