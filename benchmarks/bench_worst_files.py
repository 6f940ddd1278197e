"""Pathological files against a normal corpus, split, extracted and published at doubling sizes:
the seconds per MB of each stage stay flat when it is linear in file size and mention count.

Each pathological input is one file of the given size:

- `one-word line`: "image " repeated on one line (the separator search once scanned back to the
  line start for every word);
- `blank line`: a title, then one line of spaces and tabs, then a paragraph (the paragraph search
  once rescanned the line from each of its positions);
- `needles`: "image mage MAGE " repeated, every word a needle of the separator search;
- `packed mentions`: "Tony Blair met Gordon Brown in Zürich. " repeated, one article with three
  mentions every 39 characters, not all ASCII (the offset checks once sliced each mention from the
  start of its article);
- `name run`: "Tony Blair Gordon Brown " repeated, one capitalised run (each first name in it once looked
  up every phrase ending before it: cubic).

`normal` is a `make_corpus.py` corpus of about the same size (many files of a few articles).
Each stage runs as in a build, in this one process under a worker's conditions: `split_chunk`
(read, decode, split, stage), `extract_chunk` (extract, check offsets, stage) and `publish` into
an empty warehouse, integrity rules included; the publish's seconds per MB leave out what a publish
of nothing costs (creating the schema, running the rules), printed first. The mention budget is
the Dagster layer's and is not applied: the packed file is published whole, as it would be with
the budget raised.

    python benchmarks/bench_worst_files.py --mb 0.25 --doublings 4
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import etl.workers  # noqa: F401  (first: worker conditions are set before Polars loads)
from etl.ingest.files import fingerprint
from etl.load import publishing
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.staging.chunks import PIPELINE_VERSION, extract_chunk, split_chunk
from etl.staging.store import Stage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import make_corpus  # noqa: E402  (the corpus generator the tests use)

BATCH_FILES_SCHEMA = {
    name: pl.Int64 if name == "size_bytes" else pl.String
    for name in (
        "source_file",
        "sha256",
        "size_bytes",
        "encoding",
        "repair",
        "status",
        "reason",
        "articles_file",
        "mentions_file",
        "quotes_file",
        "signatures_file",
    )
}
PATHOLOGICAL = {
    "one-word line": lambda size: "image " * math.ceil(size / 6),
    "blank line": lambda size: "Title\n\nFirst paragraph.\n" + " \t" * (size // 2) + "\nLast paragraph.\n",
    "needles": lambda size: "image mage MAGE " * math.ceil(size / 16),
    "packed mentions": lambda size: "Tony Blair met Gordon Brown in Zürich. " * math.ceil(size / 40),
    "name run": lambda size: "Tony Blair Gordon Brown " * math.ceil(size / 24),
    # one paragraph of quotations, each attributed by a pronoun to one of many names before it
    "packed quotations": lambda size: '"We will win," said Tony Blair. "We will not," he said. ' * math.ceil(size / 55),
    "unclosed quotations": lambda size: '"We will win, said Tony Blair ' * math.ceil(size / 30),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=0.25, help="size of the smallest input")
    parser.add_argument("--doublings", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="etl-worst-files-"))
    fixed = _publish(work / "nothing.duckdb", Stage(work / "nothing-stage"), [], [], [])[0]
    print(f"a publish of nothing: {fixed:.2f} s")
    print(
        f"{'input':16s} {'MB':>5s} {'files':>5s} {'articles':>8s} {'mentions':>8s}   "
        f"{'split s/MB':>10s} {'extract s/MB':>12s} {'publish s/MB':>12s}   (seconds)",
        flush=True,
    )
    for name in [*PATHOLOGICAL, "normal"]:
        for step in range(args.doublings):
            mb = args.mb * 2**step
            landing = work / f"{name}-{mb}".replace(" ", "-")
            if name == "normal":
                make_corpus(landing, mb)
            else:
                landing.mkdir()
                (landing / "file.txt").write_text(PATHOLOGICAL[name](int(mb * 1e6)), encoding="utf-8")
            _measure(name, landing, work / f"{landing.name}-stage", work / f"{landing.name}.duckdb", fixed)


def _measure(name: str, landing: Path, stage_root: Path, warehouse: Path, fixed: float) -> None:
    paths = sorted(landing.glob("*.txt"))
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    stage = Stage(stage_root)
    started = time.perf_counter()
    fingerprints = [fingerprint(p, max_bytes=2**40)[0] for p in paths]  # as the load fingerprints them first
    split = split_chunk(
        str(stage.root), [(str(p), f.size_bytes, f.sha256) for p, f in zip(paths, fingerprints, strict=True)]
    )
    split_s = time.perf_counter() - started
    loaded = [o for o in split if o.status == "loaded"]
    started = time.perf_counter()
    extracted = extract_chunk(str(stage.root), [(o.sha256, o.articles_file) for o in loaded])
    extract_s = time.perf_counter() - started
    publish_s, tables = _publish(warehouse, stage, paths, split, extracted)
    print(
        f"{name:16s} {megabytes:5.2f} {len(paths):5d} {tables['fact_article']:8d} {tables['fact_mention']:8d}   "
        f"{split_s / megabytes:10.2f} {extract_s / megabytes:12.2f} {(publish_s - fixed) / megabytes:12.2f}   "
        f"({split_s:.2f} / {extract_s:.2f} / {publish_s:.2f})",
        flush=True,
    )


def _publish(warehouse: Path, stage: Stage, paths: list[Path], split: list, extracted: list) -> tuple[float, dict]:
    """Seconds to publish the staged files into `warehouse`, and its tables' row counts."""
    mentions_file = {e.sha256: e.mentions_file for e in extracted}
    quotes_file = {e.sha256: e.quotes_file for e in extracted}
    signatures_file = {e.sha256: e.signatures_file for e in extracted}
    files = pl.DataFrame(
        [
            {
                "source_file": p.name,
                "sha256": o.sha256,
                "size_bytes": o.size_bytes,
                "encoding": o.encoding,
                "repair": o.repair,
                "status": o.status,
                "reason": o.reason,
                "articles_file": o.articles_file,
                "mentions_file": mentions_file.get(o.sha256),
                "quotes_file": quotes_file.get(o.sha256),
                "signatures_file": signatures_file.get(o.sha256),
            }
            for p, o in zip(paths, split, strict=True)
        ],
        schema=BATCH_FILES_SCHEMA,
    )
    started = time.perf_counter()
    tables = publishing.publish(
        warehouse,
        publishing.Batch(
            files=files,
            article_files=sorted({stage.articles_dir / o.articles_file for o in split if o.status == "loaded"}),
            mention_files=sorted({stage.mentions_dir / e.mentions_file for e in extracted}),
            quote_files=sorted({stage.mentions_dir / e.quotes_file for e in extracted}),
            signature_files=sorted({stage.mentions_dir / e.signatures_file for e in extracted}),
            deleted=[],
            extractor_version=EXTRACTOR_VERSION,
            quotes_version=QUOTES_VERSION,
            pipeline_version=PIPELINE_VERSION,
        ),
    ).tables
    return time.perf_counter() - started, tables


if __name__ == "__main__":
    main()
