"""Log formatting that settings can name before the apps are loaded."""

import datetime
import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object a line: the time, the event, and the record's ``security`` fields."""

    def format(self, entry: logging.LogRecord) -> str:
        at = datetime.datetime.fromtimestamp(entry.created, tz=datetime.UTC).isoformat()
        data = {"at": at, **getattr(entry, "security", {})}
        data.setdefault("event", entry.getMessage())
        return json.dumps(data, ensure_ascii=False, default=str)
