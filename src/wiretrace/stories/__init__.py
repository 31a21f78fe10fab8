"""Stories: copy groups (near-duplicates), then events and the stories that relate them."""

from __future__ import annotations

from wiretrace.errors import AmbiguousId, NotFound
from wiretrace.models import Story
from wiretrace.store import Store, redact_url


def find_story(store: Store, story_id: str) -> Story:
    """A story by id or unique id prefix; raises `NotFound`."""
    stories = store.get_stories()
    exact = [s for s in stories if s.id == story_id]
    matches = exact or [s for s in stories if story_id and s.id.startswith(story_id)]
    if len(matches) > 1:
        raise AmbiguousId(story_id, "stories", sorted(s.id for s in matches), len(matches))
    if not matches:
        raise NotFound(f"no story {story_id!r} in {redact_url(store.url)}; list them with: wiretrace stories")
    return matches[0]
