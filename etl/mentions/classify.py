"""The learned typing step: each distinct candidate name of an article, pooled over its mentions,
is scored PERSON / ORG / PLACE / not-an-entity by a multiclass linear model read from a plain
weights file (trained by `python -m etl.mentions.train`)."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from etl.mentions import gazetteer as gaz
from etl.mentions.candidates import Candidate
from etl.mentions.features import article_context, context_features, name_features
from etl.mentions.rules import DATA, LANGUAGE

WEIGHTS_FILE = DATA / LANGUAGE / "weights.json"
LABELS = ("NONE", "PERSON", "ORG", "PLACE")


class WeightsError(ValueError):
    """The weights file is missing, malformed or for other labels; the message names the file."""


@dataclass(frozen=True)
class Model:
    """Feature → one weight per label (in LABELS order); a feature not listed weighs nothing."""

    weights: dict[str, tuple[float, ...]]

    def scores(self, features: Sequence[str] | set[str], base: tuple[float, ...] = (0.0,) * len(LABELS)) -> list[float]:
        """One score per label: `base` (the name's own, precomputed) plus every known feature's weights."""
        total = list(base)
        get = self.weights.get
        for feature in features:
            w = get(feature)
            if w is not None:
                total[0] += w[0]
                total[1] += w[1]
                total[2] += w[2]
                total[3] += w[3]
        return total


def load_model(path: Path) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"{path}: cannot read the weights ({exc})") from exc
    if tuple(data.get("labels", ())) != LABELS:
        raise WeightsError(f"{path}: labels {data.get('labels')} are not {list(LABELS)}")
    weights = {feature: tuple(w) for feature, w in data["weights"].items()}
    if any(len(w) != len(LABELS) for w in weights.values()):
        raise WeightsError(f"{path}: every feature needs {len(LABELS)} weights")
    return Model(weights)


@functools.cache
def model() -> Model:
    return load_model(WEIGHTS_FILE)


@functools.lru_cache(maxsize=200_000)
def _name_scores(tokens: tuple[str, ...]) -> tuple[float, ...]:
    """The name's own features, scored once per distinct name."""
    return tuple(model().scores(name_features(tokens)))


def group_by_name(candidates: Sequence[Candidate]) -> dict[tuple[str, ...], list[Candidate]]:
    """The article's candidates that need typing, grouped by name. Lexicon people and
    organisations are typed by the lexicon (or dropped as adjectives); lexicon places are
    classified too, as a country or city may stand for a team."""
    groups: dict[tuple[str, ...], list[Candidate]] = {}
    for c in candidates:
        entry = c.entry
        if entry is None or (entry.entity_type == "PLACE" and not entry.adjectival):
            groups.setdefault(c.tokens, []).append(c)
    return groups


def article_features(candidates: Sequence[Candidate], folded: str):
    """(name, its candidates, its context features) for every name of the article to classify."""
    article = article_context(candidates, folded)
    for tokens, group in group_by_name(candidates).items():
        yield tokens, group, context_features(group, article)


def type_candidates(candidates: Sequence[Candidate], folded: str, tally: Counter | None = None) -> None:
    """Set the type (None for not-an-entity) and name of every candidate the lexicon did not
    type. Longer names go first: a one-word name that is the surname of a person just typed is
    that person (see `resolve`) and needs no classifying. `tally` counts the names classified
    ("classified") and those found not to be entities ("rejected")."""
    m = model()
    article = article_context(candidates, folded)
    surnames = set()
    entity_type: str | None  # None: not an entity
    for tokens, group in sorted(group_by_name(candidates).items(), key=_one_word_last):
        if len(tokens) == 1 and tokens[0] in surnames:
            entity_type, name = "PERSON", tokens[0]
        else:
            scores = m.scores(context_features(group, article), _name_scores(tokens))
            entity_type, name = _decide(tokens, LABELS[scores.index(max(scores))])
            if entity_type == "PERSON" and len(tokens) > 1:
                surnames.add(tokens[-1])
            if tally is not None:
                tally["classified"] += 1
                tally["rejected"] += entity_type is None
        for c in group:
            c.entity_type, c.entity_name = entity_type, name


def _one_word_last(item: tuple[tuple[str, ...], list[Candidate]]) -> bool:
    return len(item[0]) == 1


@functools.lru_cache(maxsize=200_000)
def _decide(tokens: tuple[str, ...], label: str) -> tuple[str | None, str]:
    """(type, canonical name) of a name from its label: a place in capitals as usually written
    ("LONDON" -> "London"); a lexicon place keeps its canonical name; plural acronyms are
    singular ("NGOs" -> "NGO")."""
    entity_type = None if label == "NONE" else label
    name = " ".join(tokens)
    if entity_type == "PLACE" and gaz.as_written(name) in gaz.place_tiers():
        name = gaz.as_written(name)
    entry = gaz.lexicon().get(name)
    if entry is not None and entity_type == entry.entity_type:
        name = entry.canonical
    elif entity_type == "ORG" and len(tokens) == 1 and name.endswith("s") and name[:-1].isupper():
        name = name[:-1]
    return entity_type, name
