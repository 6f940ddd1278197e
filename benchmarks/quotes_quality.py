"""Quotation detection and speaker attribution against gold files, scored by the shared scorer
(`score_quotes.py`).

    python benchmarks/quotes_quality.py            # seeds, BBC politics tune and report sets
    python benchmarks/quotes_quality.py --gold tests/data/bbc_quotes_tune.jsonl --verbose

Splitting, mention extraction and quotation extraction run in-process on each gold article's
file, as in a build, and the rows the `quotes` view would hold are scored: detection P/R/F1,
speaker accuracy by cue and attribution F1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from etl.articles.split import split_articles  # noqa: E402
from etl.ingest.decoding import decode  # noqa: E402
from etl.mentions.extract import extract_mentions  # noqa: E402
from etl.quotes.extract import extract_quotations  # noqa: E402

SHARED = PROJECT.parent / "shared"
DEFAULT_SETS = (
    SHARED / "gold" / "quotes_seeds.jsonl",
    PROJECT / "tests" / "data" / "bbc_quotes_tune.jsonl",
    PROJECT / "tests" / "data" / "bbc_quotes_report.jsonl",
)


def quotation_rows(gold: Path) -> list[dict]:
    """The quotes view's rows for every article of the gold file."""
    rows = []
    for record in map(json.loads, gold.read_text(encoding="utf-8").splitlines()):
        name, index = record["file"], int(record["article_id"].rsplit("#", 1)[1])
        folder, _, number = name.removesuffix(".txt").partition("_")
        path = (
            SHARED / "corpus" / "bbc" / folder / f"{number}.txt"
            if folder.isalpha()
            else PROJECT / "warehouse" / "landing" / name
        )
        article = split_articles(decode(path.read_bytes()).text)[index - 1]
        mentions = extract_mentions(article.text, article.paragraphs)
        rows += [
            {"source_file": name, "article_index": index, "quote_text": q.quote_text, "speaker_name": q.speaker_name}
            for q in extract_quotations(article.text, article.paragraphs, mentions)
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", help="gold file(s) (default: seeds, tune, report)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses, false alarms and wrong speakers")
    args = parser.parse_args()
    for gold in args.gold or DEFAULT_SETS:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as system:
            system.writelines(json.dumps(row) + "\n" for row in quotation_rows(gold))
            system.flush()
            scored = subprocess.run(
                [sys.executable, str(SHARED / "tools" / "score_quotes.py"), "--jsonl", system.name, "--gold", str(gold)]
                + (["--verbose"] if args.verbose else []),
                capture_output=True,
                text=True,
                check=True,
            )
        print(f"== {gold.name}\n{scored.stdout.strip()}\n")


if __name__ == "__main__":
    main()
