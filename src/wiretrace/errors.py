"""Named exceptions: every error a user can cause ends up as one of these.

The CLI and the web layer turn a `WiretraceError` into a one-line message and an exit code; anything
else escaping the library is a bug.
"""


class WiretraceError(Exception):
    """Base of every error wiretrace raises on purpose."""


class UsageError(WiretraceError):
    """The caller asked for something that cannot be done as asked (bad option, bad argument)."""


class InputError(WiretraceError):
    """One input file or record could not be turned into an article."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UnsupportedFormat(InputError):
    """The input is not one of the formats wiretrace reads."""


class InputTooLarge(InputError):
    """The input, or what it decompresses to, is over the configured size limit."""


class EncodingProblem(InputError):
    """The input's bytes could not be decoded as text."""


class NoArticle(InputError):
    """The input was readable but held no article text."""


class StoreError(WiretraceError):
    """The store could not be opened, migrated or written."""


class StoreUnavailable(StoreError):
    """The store's database server cannot be reached now (down, restarting, network); try again later."""


class EngineUnavailable(WiretraceError):
    """The compute cluster named for a run (Ray) cannot be reached."""


class NotFound(WiretraceError):
    """An article, story or claim id that the store does not hold."""


class ModelError(WiretraceError):
    """A packaged model could not be found or loaded."""


class ManifestError(UsageError):
    """A manifest of stated metadata (or a batch-wide --outlet/--published) could not be used as given."""


class AmbiguousId(NotFound):
    """An id prefix that matches more than one article or story."""

    SHOWN = 5  # candidates named in the message; the rest are counted

    def __init__(self, prefix: str, kind: str, candidates: list[str], count: int):
        shown = ", ".join(candidates[: self.SHOWN]) + (f", … ({count - self.SHOWN} more)" if count > self.SHOWN else "")
        super().__init__(f"{prefix!r} matches {count} {kind}: {shown}; give more of the id")
        self.candidates = candidates
        self.count = count
