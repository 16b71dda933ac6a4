"""Log lines for machines: `LOG_FORMAT=json` writes one JSON object per line (time, level,
logger, message, request_id; for the request log also method, path, status, duration, and
the client's address and the scheme as the application saw them through its proxy),
so that a log collector can search by request id and match a line with its action-log row
and the proxy's access log."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from secretariat.core.request_id import current_request_id

# What the request log line (`secretariat.request`) adds to its record, in this order.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "client", "scheme")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in a message stay escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
