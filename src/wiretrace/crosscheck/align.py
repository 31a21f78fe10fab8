"""Cross-check: line up what each outlet claims about one story.

Claims, quotes and figures of a story's articles ("mentions") get the attribution chain the cross-check
reads (`sourcing`) and are matched into claim groups (`grouping`); each mention then gets a stance toward
its group (`reading`); discrepancies are typed by explicit checks on the aligned pairs (`discrepancies`)
and read between related groups (`reading`); each group's status counts independent sources
(`independence`) once every group is known, because an unnamed quote that two outlets' relays both carry
makes them one origin everywhere (`sourcing.relay_aliases`). `align_claims` runs them in that order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from wiretrace.crosscheck.discrepancies import find_discrepancies
from wiretrace.crosscheck.grouping import collect_mentions, group_figures, group_mentions, representative
from wiretrace.crosscheck.independence import group_status, primary_of, primary_source
from wiretrace.crosscheck.mentions import ClaimGroup, Discrepancy, Mention
from wiretrace.crosscheck.options import AlignOptions
from wiretrace.crosscheck.reading import assign_figure_stances, assign_stances, contradictions_between
from wiretrace.crosscheck.sourcing import relay_aliases, settle_sourcing
from wiretrace.models import Article, Claim

__all__ = ["AlignOptions", "ClaimGroup", "Discrepancy", "Mention", "align_claims", "contradictions_between",
           "primary_of"]


def align_claims(
    articles: Sequence[Article],
    claims: dict[str, list[Claim]],
    sources: dict[str, str],
    embedder: Any,
    model: Any,
    options: AlignOptions | None = None,
    events: dict[str, str] | None = None,
) -> tuple[list[ClaimGroup], list[Discrepancy]]:
    """Claim groups (largest first) and their discrepancies for one story's articles.

    `events` maps article id to its event within the story; without it every pair is judged as if from
    one event.
    """
    options = options or AlignOptions()
    mentions = collect_mentions(articles, claims, sources, options)
    if not mentions:
        return [], []
    for mention in mentions:
        mention.event = (events or {}).get(mention.article.id)
    settle_sourcing(mentions, articles, claims)
    texts = [m for m in mentions if m.claim.kind != "figure"]
    groups = _text_groups(texts, embedder, model, options)
    for members in group_figures([m for m in mentions if m.claim.kind == "figure"], embedder, options):
        assign_figure_stances(members, members[0])
        groups.append(_make_group(members, members[0]))
    aliases = relay_aliases(groups)
    for group in groups:
        group.status, group.independent_of = group_status(group.mentions, aliases)
        group.independent_sources = len(group.independent_of)
        group.primary_source = primary_source(group.mentions, aliases)
    discrepancies = [d for g in groups for d in find_discrepancies(g)]
    discrepancies += contradictions_between(groups, embedder, model, options)
    groups.sort(key=lambda g: (-len(g.articles), -g.independent_sources, g.mentions[0].claim.start, g.id))
    return groups, discrepancies


def _text_groups(texts: list[Mention], embedder: Any, model: Any, options: AlignOptions) -> list[ClaimGroup]:
    """Groups of the quotes and statements, each mention's stance read toward its representative."""
    if not texts:
        return []
    groups = []
    vectors = embedder.embed([m.claim.text for m in texts])
    for indices in group_mentions(texts, vectors, options):
        members = [texts[i] for i in indices]
        rep = texts[representative(indices, texts, vectors)]
        assign_stances(members, rep, model, options)
        groups.append(_make_group(members, rep))
    return groups


def _make_group(members: list[Mention], rep: Mention) -> ClaimGroup:
    text = rep.claim.text
    if rep.claim.kind == "figure" and rep.claim.sentence_start is not None:
        text = rep.article.text[rep.claim.sentence_start : rep.claim.sentence_end]
    return ClaimGroup(
        id="g" + hashlib.sha256("|".join(m.claim.id for m in members).encode()).hexdigest()[:12],
        text=text, kind=rep.claim.kind, mentions=members,
    )
