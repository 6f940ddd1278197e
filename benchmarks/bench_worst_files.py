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
Each stage runs as in a build, planned by `etl.planning` as the assets plan it, in this one process
under a worker's conditions: split (list, fingerprint, then `split_chunk`: read, decode, split,
stage), extract (`extract_chunk`: extract, check offsets, stage) and `publish` of the planned batch
into an empty warehouse, integrity rules included; the publish's seconds per MB leave out what a publish
of nothing costs (creating the schema, running the rules), printed first. The mention budget is
raised beyond any file: the packed file is published whole.

    python benchmarks/bench_worst_files.py --mb 0.25 --doublings 4
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import etl.workers  # noqa: F401  (first: worker conditions are set before Polars loads)
from etl import planning
from etl.ingest.listing import look_at
from etl.load import publishing
from etl.staging.chunks import extract_chunk, split_chunk
from etl.staging.store import Stage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import make_corpus  # noqa: E402  (the corpus generator the tests use)

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
    (work / "nothing").mkdir()
    fixed = _publish(work / "nothing.duckdb", _plan(work / "nothing", Stage(work / "nothing-stage"))[0])[0]
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
    batch, split_s, extract_s = _plan(landing, Stage(stage_root))
    publish_s, tables = _publish(warehouse, batch)
    print(
        f"{name:16s} {megabytes:5.2f} {len(paths):5d} {tables['fact_article']:8d} {tables['fact_mention']:8d}   "
        f"{split_s / megabytes:10.2f} {extract_s / megabytes:12.2f} {(publish_s - fixed) / megabytes:12.2f}   "
        f"({split_s:.2f} / {extract_s:.2f} / {publish_s:.2f})",
        flush=True,
    )


def _plan(landing: Path, stage: Stage) -> tuple[publishing.Batch, float, float]:
    """The batch a load of the landing folder publishes, planned as the assets plan it (every file
    settled, no mention budget to reject by), with the seconds splitting and extracting took."""
    started = time.perf_counter()
    landing_files = planning.landing_manifest(planning.observe(look_at(landing, 0.0, {}), 2**40), {})
    todo = planning.files_to_process(landing_files)
    plan = planning.plan_split(todo, stage.split_outcomes(todo["sha256"].drop_nulls().to_list()))
    # One chunk of all the files (none for an empty folder), where a build spreads chunks over its workers.
    split_results = split_chunk(str(stage.root), plan.fingerprints) if plan.fingerprints else []
    split = planning.split_manifest(landing_files, plan, split_results)
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    loaded = planning.versions_to_extract(split.manifest)
    staged = stage.extract_outcomes(loaded["sha256"].to_list())
    pending = planning.pending_extraction(loaded, staged)
    results = extract_chunk(str(stage.root), pending) if pending else []
    extraction = planning.extract_manifest(split.manifest, loaded, staged, results, sys.maxsize)
    extract_s = time.perf_counter() - started
    return planning.plan_batch(extraction.manifest, stage), split_s, extract_s


def _publish(warehouse: Path, batch: publishing.Batch) -> tuple[float, dict]:
    """Seconds to publish the batch into `warehouse`, and its tables' row counts."""
    started = time.perf_counter()
    tables = publishing.publish(warehouse, batch).tables
    return time.perf_counter() - started, tables


if __name__ == "__main__":
    main()
