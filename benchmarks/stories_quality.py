"""Precision and recall of near-duplicate stories (pairs of articles given one story_id), and their cost.

1. A generated set with known pairs: BBC articles (read from ../shared, never copied into the
   project) each republished one to four times, edited (words changed, an update line added),
   truncated, re-headlined, wrapped in another publisher's boilerplate, or several of these at once,
   among unrelated BBC articles. Every copy of one original is one story.
2. The BBC corpus as it is: files with the same bytes (found by SHA-256) are the known pairs; pairs
   beyond them are listed, to read whether they are near-duplicates the hash cannot see.

Both are real builds (`python -m etl build` into a temporary warehouse); the threshold sweep reclusters
the signatures of the built warehouse. Cost: signatures and clustering timed alone on the articles
of a generated seed-format corpus (`--cost-mb`, default 5 and 10 MB, to show they grow linearly).

    python benchmarks/stories_quality.py --originals 300 --unrelated 600 --cost-mb 5,10
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from etl.load.sql_files import sql_file  # noqa: E402
from etl.stories.cluster import SIMILARITY, STORY_INPUT_SCHEMA, assign_stories  # noqa: E402
from etl.stories.signature import signature_text, signatures  # noqa: E402
from helpers import BBC, make_corpus  # noqa: E402

FOOTERS = [
    "Share this article: Facebook Twitter Email",
    "Copyright 2005 Wire Syndication Ltd. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "Read more: the latest news from our business and politics desks, every morning in your inbox.",
]
TYPOS = {"the": "teh", "and": "adn", "said": "siad", "that": "taht", "with": "wiht"}


def bbc_articles() -> list[tuple[str, bytes]]:
    """(topic_name.txt, bytes) of every BBC file."""
    return [(f"{p.parent.name}_{p.name}", p.read_bytes()) for p in sorted(BBC.glob("*/*.txt"))]


def edited(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """Some words changed (typos, a figure) and an update line added, as a corrected version."""
    words = "\n\n".join(paragraphs).split(" ")
    for i in rng.sample(range(len(words)), k=max(1, len(words) // 40)):
        words[i] = TYPOS.get(words[i], words[i].upper() if rng.random() < 0.5 else str(rng.randint(2, 99)))
    return title, [*" ".join(words).split("\n\n"), "This story was updated to correct details."]


def truncated(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """The first 60-90% of the paragraphs, as a wire service's shorter cut."""
    return title, paragraphs[: max(1, round(len(paragraphs) * rng.uniform(0.6, 0.9)))]


def reheadlined(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
    return rng.choice(["UPDATE: ", "Latest: ", "Breaking - "]) + " ".join(reversed(title.split())), paragraphs


def boilerplate(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """A dateline on the first paragraph and a publisher's footer."""
    return title, [f"LONDON (Wire) - {paragraphs[0]}", *paragraphs[1:], *rng.sample(FOOTERS, k=2)]


def combined(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, list[str]]:
    for change in (reheadlined, boilerplate, edited):
        title, paragraphs = change(title, paragraphs, rng)
    return title, paragraphs


CHANGES = {f.__name__: f for f in (edited, truncated, reheadlined, boilerplate, combined)}


def generated_set(landing: Path, originals: int, unrelated: int, seed: int) -> dict[str, str]:
    """Write the generated files; returns the true story of every file."""
    rng = random.Random(seed)
    by_hash: dict[str, list[tuple[str, bytes]]] = {}
    for name, data in bbc_articles():
        by_hash.setdefault(hashlib.sha256(data).hexdigest(), []).append((name, data))
    unique = [copies[0] for copies in by_hash.values() if len(copies) == 1]
    rng.shuffle(unique)
    truth = {}
    for name, data in unique[:originals]:
        title, *rest = data.decode("utf-8", errors="replace").strip().split("\n")
        paragraphs = [p.strip() for p in "\n".join(rest).split("\n\n") if p.strip()]
        copies = {"original": (title, paragraphs)}
        for change in rng.sample(sorted(CHANGES), k=rng.randint(1, 4)):
            copies[change] = CHANGES[change](title, paragraphs, rng)
        for change, (new_title, new_paragraphs) in copies.items():
            file = f"copy_{name.removesuffix('.txt')}_{change}.txt"
            (landing / file).write_text("\n\n".join([new_title, *new_paragraphs]) + "\n", encoding="utf-8")
            truth[file] = name
    for name, data in unique[originals : originals + unrelated]:
        (landing / f"other_{name}").write_bytes(data)
        truth[f"other_{name}"] = name
    return truth


def build(landing: Path, warehouse: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        check=True,
        capture_output=True,
    )


def pair_scores(truth: dict[str, str], predicted: dict[str, str]) -> tuple[int, int, int]:
    """(true pairs, predicted pairs, pairs in both) among the files of `truth`."""

    def pairs(groups: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in groups.values())

    both = Counter((truth[f], predicted[f]) for f in truth)
    return pairs(Counter(truth.values())), pairs(Counter(predicted[f] for f in truth)), pairs(both)


def report(label: str, truth: dict[str, str], predicted: dict[str, str]) -> None:
    true, found, correct = pair_scores(truth, predicted)
    precision = correct / found if found else 1.0
    recall = correct / true if true else 1.0
    print(
        f"{label:<34} files {len(truth):>5}  true pairs {true:>5}  predicted {found:>5}  "
        f"correct {correct:>5}  precision {precision:.3f}  recall {recall:.3f}"
    )


def stories_of(warehouse: Path) -> tuple[dict[str, str], pl.DataFrame]:
    """The story of every file (one article a file) as built, and the clustering input to recluster."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = dict(con.execute("SELECT source_file, story_id FROM articles").fetchall())
        keys = con.sql(
            "SELECT f.source_file, fa.article_key FROM fact_article fa JOIN dim_source_file f USING (source_file_key)"
        ).pl()
        articles = con.execute(sql_file("story_input.sql")).pl().cast(STORY_INPUT_SCHEMA)
    return files, articles.join(keys, on="article_key")


def sweep(label: str, truth: dict[str, str], articles: pl.DataFrame) -> None:
    for similarity in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        stories = assign_stories(articles.unique("article_key"), similarity)
        predicted = dict(articles.join(stories, on="article_key").select("source_file", "story_id").iter_rows())
        report(f"  {label} at similarity {similarity}", truth, predicted)


def per_change_recall(truth: dict[str, str], predicted: dict[str, str]) -> None:
    """How many copies of each kind landed in their original's story."""
    for change in CHANGES:
        copies = [f for f in truth if f.startswith("copy_") and f.endswith(f"_{change}.txt")]
        joined = sum(predicted[f] == predicted[f.removesuffix(f"_{change}.txt") + "_original.txt"] for f in copies)
        print(f"  {change:<12} {joined}/{len(copies)} copies in their original's story")


def cost(mb: float, work: Path) -> None:
    """Seconds to sign and cluster the articles of a generated seed-format corpus of `mb` MB."""
    landing, warehouse = work / f"cost-{mb}", work / f"cost-{mb}.duckdb"
    make_corpus(landing, mb)
    size = sum(f.stat().st_size for f in landing.glob("*.txt")) / 1e6
    build(landing, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        texts = [signature_text(s, b) for s, b in con.execute("SELECT standfirst, body FROM dim_article").fetchall()]
        articles = con.execute(sql_file("story_input.sql")).pl().cast(STORY_INPUT_SCHEMA)
    started = time.perf_counter()
    signatures(texts)
    signed = time.perf_counter() - started
    started = time.perf_counter()
    assign_stories(articles)
    clustered = time.perf_counter() - started
    print(
        f"{size:6.1f} MB  {len(texts):>6} articles  signatures {signed:6.2f} s ({signed / size * 50:6.1f} s per 50 MB)"
        f"  clustering {clustered:5.2f} s ({clustered / size * 50:5.1f} s per 50 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=300, help="BBC articles republished in the generated set")
    parser.add_argument("--unrelated", type=int, default=600, help="BBC articles added unchanged, once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cost-mb", default="5,10", help="corpus sizes in MB for the cost, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "generated").mkdir()
        truth = generated_set(work / "generated", args.originals, args.unrelated, args.seed)
        build(work / "generated", work / "generated.duckdb")
        predicted, articles = stories_of(work / "generated.duckdb")
        print(f"Threshold in use: estimated Jaccard similarity {SIMILARITY}")
        report("generated set", truth, predicted)
        per_change_recall(truth, predicted)
        sweep("generated", truth, articles)

        (work / "bbc").mkdir()
        bbc_truth = {}
        for name, data in bbc_articles():
            (work / "bbc" / name).write_bytes(data)
            bbc_truth[name] = hashlib.sha256(data).hexdigest()
        build(work / "bbc", work / "bbc.duckdb")
        predicted, articles = stories_of(work / "bbc.duckdb")
        report("BBC corpus (same bytes = pair)", bbc_truth, predicted)
        sweep("BBC", bbc_truth, articles)
        extra = Counter(predicted[f] for f in bbc_truth)
        with duckdb.connect(str(work / "bbc.duckdb"), read_only=True) as con:
            for story, n in sorted(extra.items()):
                files = sorted(f for f in bbc_truth if predicted[f] == story)
                if n > 1 and len({bbc_truth[f] for f in files}) > 1:
                    titles = con.execute(
                        "SELECT source_file, title FROM articles WHERE story_id = ? ORDER BY source_file", [story]
                    ).fetchall()
                    print("  pair beyond the same bytes:", "; ".join(f"{f}: {t}" for f, t in titles))
        for mb in args.cost_mb.split(","):
            cost(float(mb), work)


if __name__ == "__main__":
    main()
