"""Extraction quality against gold files, scored by the shared scorer (`score_mentions.py`).

    python benchmarks/quality.py                      # seeds, BBC tune and BBC report sets
    python benchmarks/quality.py --gold tests/data/bbc_report.jsonl --verbose

Extraction runs in-process on each gold article's file (the same split and extraction as a
build), and the rows the `article_entities` view would hold are scored. Prints per-type
P/R/F1 for each set and entity F1 per BBC folder.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from etl.articles.split import split_articles  # noqa: E402
from etl.ingest.decoding import decode  # noqa: E402
from etl.mentions import classify  # noqa: E402
from etl.mentions.extract import extract_mentions  # noqa: E402

SHARED = PROJECT.parent / "shared"
DEFAULT_SETS = (
    SHARED / "gold" / "seeds.jsonl",
    PROJECT / "tests" / "data" / "bbc_tune.jsonl",
    PROJECT / "tests" / "data" / "bbc_report.jsonl",
)


def source_path(record: dict) -> Path:
    if record.get("source", "").startswith("bbc/"):
        return SHARED / "corpus" / record["source"]
    return PROJECT / "warehouse" / "landing" / record["file"]


def system_rows(records: list[dict]) -> list[dict]:
    rows = []
    for file in dict.fromkeys(r["file"] for r in records):
        path = source_path(next(r for r in records if r["file"] == file))
        for index, article in enumerate(split_articles(decode(path.read_bytes()).text), 1):
            counts: Counter = Counter()
            surfaces: dict[tuple[str, str], set[str]] = defaultdict(set)
            for m in extract_mentions(article.text, article.paragraphs):
                counts[(m.entity_name, m.entity_type)] += 1
                surfaces[(m.entity_name, m.entity_type)].add(m.surface)
            rows += [
                {
                    "source_file": file,
                    "article_index": index,
                    "title": article.title,
                    "entity_name": name,
                    "entity_type": kind,
                    "mention_count": n,
                    "surface_forms": sorted(surfaces[(name, kind)]),
                }
                for (name, kind), n in counts.items()
            ]
    return rows


def score(records: list[dict], verbose: bool) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        gold, system = Path(tmp) / "gold.jsonl", Path(tmp) / "system.jsonl"
        gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        system.write_text("".join(json.dumps(r) + "\n" for r in system_rows(records)), encoding="utf-8")
        command = [
            sys.executable,
            str(SHARED / "tools" / "score_mentions.py"),
            "--jsonl",
            str(system),
            "--gold",
            str(gold),
        ] + (["-v"] if verbose else [])
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", help="gold JSONL file (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses and false alarms")
    parser.add_argument("--weights", type=Path, help="score with this weights file instead of the shipped one")
    args = parser.parse_args()
    if args.weights:
        classify.model = functools.cache(lambda: classify.load_model(args.weights))
    for gold in args.gold or DEFAULT_SETS:
        records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
        print(f"== {gold.name}: {len(records)} articles")
        print(score(records, args.verbose).rstrip())
        folders = sorted({r["file"].split("_")[0] for r in records if r.get("source", "").startswith("bbc/")})
        if len(folders) > 1:
            per_folder = {f: score([r for r in records if r["file"].startswith(f + "_")], False) for f in folders}
            print(
                "per folder: "
                + ", ".join(f"{f} {s.strip().splitlines()[-1].split()[-1]}" for f, s in per_folder.items())
            )


if __name__ == "__main__":
    main()
