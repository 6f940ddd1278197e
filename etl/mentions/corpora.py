"""Training and evaluation data for the classifier: annotated documents turned into labelled
examples, one per distinct candidate name of a document, exactly as extraction sees them.

Two kinds of source: token-per-line NER corpora (CoNLL/IOB, in `ner/` of the shared material)
and article-level gold files in this project's gold format (entities with their surface forms).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.articles.forms import matching_form
from etl.articles.paragraphs import Paragraph
from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.mentions.candidates import Candidate, candidates
from etl.mentions.classify import article_features
from etl.mentions.features import name_features
from etl.mentions.rules import rules

#: Corpus tag → this project's type; anything else annotated (MISC, products, works,
#: nationalities) is a name that is not an entity here.
TYPE_OF_TAG = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "person": "PERSON",
    "Person": "PERSON",
    "ORG": "ORG",
    "group": "ORG",
    "corporation": "ORG",
    "Organisation": "ORG",
    "LOC": "PLACE",
    "location": "PLACE",
    "Location": "PLACE",
}
_TITLES = rules().honorifics_kept | rules().person_titles
_NO_SPACE_BEFORE = frozenset(
    {",", ".", ":", ";", "!", "?", ")", "]", "%", "'s", "n't", "'", "'re", "'ll", "'ve", "'m", "'d"}
)
_NO_SPACE_AFTER = frozenset({"(", "["})


@dataclass
class Document:
    """Text in paragraphs, with gold names: spans (from token corpora) or surfaces (from gold files)."""

    source: str
    text: str
    paragraphs: list[Paragraph]
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, type or "NONE")
    surfaces: dict[str, str] = field(default_factory=dict)  # surface or name -> type, or "" for optional


@dataclass(frozen=True)
class Example:
    features: tuple[str, ...]
    label: str


def read_conll(
    path: Path, token_column: int, tag_column: int, source: str, doc_marker: str | None = None
) -> Iterator[Document]:
    """Documents of a token-per-line file: blank lines end sentences (one paragraph each);
    lines holding `doc_marker` start a new document; without a marker every sentence is a
    document (tweets), and with an empty one the whole file is."""
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def flush_sentence():
        nonlocal sentence
        if sentence:
            sentences.append(sentence)
        sentence = []

    for line in path.read_text(encoding="utf-8").splitlines():
        if doc_marker and doc_marker in line:
            flush_sentence()
            if sentences:
                yield _document(sentences, source)
            sentences = []
            continue
        if line.startswith("#"):
            continue
        parts = line.split("\t") if "\t" in line else line.split(" ")
        if not line.strip() or len(parts) <= max(token_column, tag_column):
            flush_sentence()
            if doc_marker is None and sentences:
                yield _document(sentences, source)
                sentences = []
            continue
        sentence.append((parts[token_column], parts[tag_column].strip()))
    flush_sentence()
    if sentences:
        yield _document(sentences, source)


def _document(sentences: list[list[tuple[str, str]]], source: str) -> Document:
    """Detokenised text, a paragraph per sentence, and the gold spans of the tags (IOB1 or IOB2)."""
    pieces: list[str] = []
    paragraphs, spans = [], []
    at = 0
    for sentence in sentences:
        if pieces:
            pieces.append("\n\n")
            at += 2
        para_start = at
        open_span: list | None = None
        previous = None
        for token, tag in sentence:
            if previous is not None and token not in _NO_SPACE_BEFORE and previous not in _NO_SPACE_AFTER:
                pieces.append(" ")
                at += 1
            start = at
            pieces.append(token)
            at += len(token)
            previous = token
            kind = tag[2:] if tag[:2] in ("B-", "I-") else None
            if kind is None:
                open_span = None
            elif open_span is not None and open_span[2] == kind and tag.startswith("I-"):
                open_span[1] = at
            else:
                open_span = [start, at, kind]
                spans.append(open_span)
        paragraphs.append(Paragraph("body", para_start, at))
    return Document(
        source, "".join(pieces), paragraphs, spans=[(s, e, TYPE_OF_TAG.get(k, "NONE")) for s, e, k in spans]
    )


def read_gold(gold: Path, text_of: dict[str, Path], source: str) -> Iterator[Document]:
    """Articles of a gold file in this project's format; `text_of` maps its `file` names to the
    files holding their text (single-article files, as in the BBC corpus)."""
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles = split_articles(decode(text_of[record["file"]].read_bytes()).text)
        index = int(record["article_id"].rsplit("#", 1)[1]) - 1
        if index >= len(articles):
            continue
        article = articles[index]
        surfaces: dict[str, Counter] = {}
        for entity in record["entities"]:
            for surface, count in entity["surface"].items():
                surfaces.setdefault(surface, Counter())[entity["type"]] += count
        typed = {e["name"]: e["type"] for e in record["entities"]}
        typed.update((s, c.most_common(1)[0][0]) for s, c in surfaces.items())
        for entity in record.get("optional_entities", []) + [e for e in record["entities"] if e.get("literary")]:
            for surface in [entity["name"], *entity["surface"]]:
                typed[surface] = ""
        yield Document(f"{source}:{record['article_id']}", article.text, list(article.paragraphs), surfaces=typed)


def examples(doc: Document) -> Iterator[Example]:
    """One labelled example per distinct candidate name of the document (names the annotation
    cannot label, such as a part of a longer gold name, are left out)."""
    if not doc.paragraphs:
        return
    folded = matching_form(doc.text)
    found = candidates(folded, doc.paragraphs)
    for tokens, group, context in article_features(found, folded):
        label = _label(doc, tokens, group)
        if label is not None:
            yield Example(name_features(tokens) + tuple(sorted(context)), label)


def _label(doc: Document, tokens: tuple[str, ...], group: list[Candidate]) -> str | None:
    if not doc.spans:
        kind = doc.surfaces.get(" ".join(tokens))
        if kind is None and len(tokens) > 1 and tokens[0] in _TITLES:  # "Lord Haskins" annotated "Haskins"
            kind = doc.surfaces.get(" ".join(tokens[1:]))
        return "NONE" if kind is None else kind or None
    votes = Counter(v for v in (_span_label(doc, c) for c in group) if v is not None)
    return votes.most_common(1)[0][0] if votes else None


def _span_label(doc: Document, c: Candidate) -> str | None:
    """The gold type of a mention: that of a gold name with the same span (a leading "the"
    aside); not-an-entity when it overlaps none or crosses a boundary; unknown (None) when it
    lies inside a longer gold name."""
    for start, end, kind in doc.spans:
        if end <= c.start or start >= c.end:
            continue
        if (start, end) == (c.start, c.end) or (end == c.end and doc.text[start : c.start].lower() in ("the ", "")):
            return kind
        if start <= c.start and c.end <= end:
            return None
        return "NONE"
    return "NONE"
