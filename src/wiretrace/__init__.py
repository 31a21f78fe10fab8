"""wiretrace: trace every claim in the news back to its sources.

The public façade: open a store, ingest files, and read what the pipeline found. Everything else in
the package may change between versions.
"""

from wiretrace.errors import WiretraceError
from wiretrace.models import Article, Claim, Event, IngestReport, Story
from wiretrace.pipeline import ingest, update_store
from wiretrace.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Claim",
    "Event",
    "IngestReport",
    "Store",
    "Story",
    "WiretraceError",
    "__version__",
    "ingest",
    "open_store",
    "update_store",
]
