"""Date words shared by every stage that spots dates in text (datelines, "as of" figures, timelines).

One pattern, so a dateline the cleaner recognises is also a date to the figure reader and the timeline.
"""

from __future__ import annotations

MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
"""A month name or its abbreviation ("Jan", "Sept", "September"); compile with `re.IGNORECASE`."""
