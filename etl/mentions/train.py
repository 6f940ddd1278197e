"""Train the classifier's weights: `python -m etl.mentions.train [--shared DIR] [--no-share-alike]`.

Reads the openly licensed NER corpora and this project's own annotated news (the tune part only;
the report part is never read), turns every document into one example per distinct candidate
name (as extraction sees them), fits a multiclass averaged perceptron and writes the weights file
that ships in the package. Deterministic: the same data, seed and epochs give the same file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.mentions.classify import LABELS, WEIGHTS_FILE
from etl.mentions.corpora import Document, Example, examples, read_conll, read_gold

PROJECT = Path(__file__).resolve().parents[2]
TUNE_GOLD = PROJECT / "tests" / "data" / "bbc_tune.jsonl"
EPOCHS = 12
SEED = 13
#: Each news example counts this many times: the open corpora are mostly tweets and encyclopaedia text.
NEWS_WEIGHT = 4
_PRUNE_BELOW = 0.001


@dataclass(frozen=True)
class Source:
    name: str
    licence: str
    share_alike: bool
    read: callable


def _conll(pattern: str, token: int, tag: int, marker: str | None = None):
    def read(shared: Path, held_out: re.Pattern[str] | None = None) -> Iterator[Document]:
        for path in sorted((shared / "ner").glob(pattern)):
            yield from read_conll(path, token, tag, path.relative_to(shared / "ner").as_posix(), marker)
    return read


def _news(shared: Path, held_out: re.Pattern[str] | None) -> Iterator[Document]:
    bbc = shared / "corpus" / "bbc"
    records = [json.loads(line) for line in TUNE_GOLD.read_text(encoding="utf-8").splitlines()]
    text_of = {r["file"]: bbc / r["source"].removeprefix("bbc/") for r in records}
    for doc in read_gold(TUNE_GOLD, text_of, "bbc-tune"):
        if held_out is None or not held_out.search(doc.source):
            yield doc


SOURCES = (
    Source("wikigold", "CC BY 4.0", False, _conll("wikigold/wikigold.conll.txt", 0, 1, "-DOCSTART-")),
    Source("wnut17", "CC BY 4.0", False, _conll("wnut17/*.conll", 0, 1)),
    Source("wnut17-test", "CC BY 4.0", False, _conll("wnut17/emerging.test.annotated", 0, 1)),
    Source("btc", "CC BY 4.0", False, _conll("btc/*.conll", 0, 1)),
    Source("re3d-open", "OGL v3 / public domain / CC BY 3.0 AU", False,
           lambda shared, held_out=None: (d for folder in ("UK_Government", "US_State_Department", "CENTCOM",
                                            "Australian_Department_of_Foreign_Affairs")
                           for d in _conll(f"re3d/{folder}/*.conll", 0, 1, "\x00")(shared))),
    Source("re3d-wikipedia", "CC BY-SA 3.0", True, _conll("re3d/Wikipedia/*.conll", 0, 1, "\x00")),
    Source("uner-en-ewt", "CC BY-SA 4.0", True, _conll("uner_en_ewt/*.iob2", 1, 2, "# newdoc")),
    Source("bbc-news-tune", "this project's annotations of BBC articles (research use)", False, _news),
)


def fit(data: list[Example], epochs: int = EPOCHS, seed: int = SEED) -> dict[str, list[float]]:
    """Multiclass averaged perceptron: deterministic, and its averaged weights generalise far
    better than the last iterate."""
    index = {label: i for i, label in enumerate(LABELS)}
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(LABELS))
    stamped: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(LABELS))  # step-weighted updates
    order = list(range(len(data)))
    rng = random.Random(seed)
    step = 1
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            example = data[i]
            scores = [0.0] * len(LABELS)
            for feature in example.features:
                w = weights.get(feature)
                if w is not None:
                    for k in range(len(LABELS)):
                        scores[k] += w[k]
            guess = max(range(len(LABELS)), key=scores.__getitem__)
            truth = index[example.label]
            if guess != truth:
                for feature in example.features:
                    weights[feature][truth] += 1.0
                    weights[feature][guess] -= 1.0
                    stamped[feature][truth] += step
                    stamped[feature][guess] -= step
            step += 1
    averaged = {}
    for feature, w in weights.items():
        avg = [round(w[k] - stamped[feature][k] / step, 4) for k in range(len(LABELS))]
        if max(abs(v) for v in avg) >= _PRUNE_BELOW:
            averaged[feature] = avg
    return averaged


def gather(sources: Iterable[Source], shared: Path, held_out: re.Pattern[str] | None = None,
           news_weight: int = NEWS_WEIGHT) -> tuple[list[Example], Counter]:
    data: list[Example] = []
    counts: Counter = Counter()
    for source in sources:
        repeat = news_weight if source.name.startswith("bbc") else 1
        for doc in source.read(shared, held_out):
            for example in examples(doc):
                data.extend([example] * repeat)
                counts[source.name] += 1
    return data, counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared",
                        help="folder holding ner/ and corpus/bbc/ (default: ../shared beside the project)")
    parser.add_argument("--no-share-alike", action="store_true", help="leave out the CC BY-SA corpora")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    parser.add_argument("--hold-out", type=re.compile, metavar="REGEX",
                        help="leave out the annotated news articles whose id matches, to measure on them")
    parser.add_argument("--news-weight", type=int, default=NEWS_WEIGHT)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sources = [s for s in SOURCES if not (args.no_share_alike and s.share_alike)]
    data, counts = gather(sources, args.shared, args.hold_out, args.news_weight)
    weights = fit(data, args.epochs)
    labels = Counter(e.label for e in data)
    payload = {
        "labels": list(LABELS),
        "trained_on": [{"source": s.name, "licence": s.licence, "examples": counts[s.name]} for s in sources],
        "epochs": args.epochs, "seed": SEED, "news_weight": args.news_weight,
        "weights": dict(sorted(weights.items())),
    }
    args.out.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data)} examples ({dict(counts)}), labels {dict(labels)}")
    print(f"{len(weights)} features -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) "
          f"in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
