"""Log records as one JSON object per line, for hosts that collect logs (LOG_JSON=1)."""

import json
import logging
from datetime import UTC, datetime

# Fields that RequestLogMiddleware (and the public cache) add to their records.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "cache_key", "version")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
