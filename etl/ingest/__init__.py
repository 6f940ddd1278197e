"""Find raw files in the landing folder, fingerprint them and decode them to text.

Pure functions: no Dagster, no DuckDB. A file that cannot become text raises
`RejectedFile` with a sentence a person understands; callers record it and go on.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Only these suffixes are treated as article files; anything else in the
#: landing folder (manifests, images, editor swap files) is ignored.
ARTICLE_SUFFIXES = frozenset({".txt"})

_BOMS = {  # tried in this order: UTF-32's little-endian BOM starts with UTF-16's
    b"\xef\xbb\xbf": "utf-8-sig",
    b"\xff\xfe\x00\x00": "utf-32",
    b"\x00\x00\xfe\xff": "utf-32",
    b"\xff\xfe": "utf-16",
    b"\xfe\xff": "utf-16",
}


class RejectedFile(ValueError):
    """A file that holds no usable text; the message says why."""


class FileInFlight(RuntimeError):
    """A file still being written: left for a later run."""


#: A file with a larger share of control characters is taken for binary data; fewer are removed
#: from its text, and the repair says how many.
MAX_CONTROL_SHARE = 0.05
#: Larger files are rejected unread: no scraped news page comes near it, and reading one
#: whole would cost memory out of proportion to every other file.
DEFAULT_MAX_FILE_BYTES = 64 * 2**20
#: A file modified more recently than this is taken to be still being written (see `listing`).
DEFAULT_SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class LandingFile:
    source_file: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    repair: str | None = None  # what was repaired after decoding, in words


# UTF-8 read as Windows-1252 always leaves one of these pairs ("Ã©", "Â£", "â€œ"); cheap to look for.
_MOJIBAKE_HINT = re.compile("[ÂÃâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")
# Control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_CODES = (*range(0x09), *range(0x0E, 0x20), 0x7F)
_CONTROL_BYTES = bytes(_CONTROL_CODES)
_CONTROL_REMOVAL = dict.fromkeys(_CONTROL_CODES)  # str.translate deletes what maps to None
_MOJIBAKE_LEADS = ("Â", "Ã", "â")
# A closing quote (E2 80 9D) whose last byte Windows-1252 cannot show, lost to U+FFFD.
_LOST_CLOSING_QUOTE = "â€\ufffd"


def discover(landing_dir: Path) -> list[Path]:
    """Article files directly inside the landing folder, in name order.

    Hidden files and links that resolve outside the folder are skipped so a
    stray symlink cannot pull arbitrary files into the warehouse. A symlink loop is
    listed, for `fingerprint` to reject (it cannot be read) rather than fail the listing.
    """
    root = landing_dir.resolve()
    found = []
    for path in landing_dir.iterdir():
        if path.name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:  # dangling: nothing to read
                continue
            except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13)
                found.append(path)
                continue
            if root not in target.parents:
                continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which Python keeps as lone surrogates, that
    Polars, DuckDB and Dagster refuse) shown as escapes, like `bad\\xff.txt`."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def fingerprint(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[LandingFile, bytes]:
    """The file's identity (name, size, sha256) and its bytes, read once.

    Raises FileInFlight when the file changed while it was being read: a scraper or a copy
    is still writing it (whether a file has settled before it is read is the listing's to
    say: `etl.ingest.listing`). Raises RejectedFile, without reading it, when its name is not
    UTF-8 (see `readable_name`) or the file is
    larger than `max_bytes`.
    """
    if readable_name(path.name) != path.name:
        raise RejectedFile("The file name is not valid UTF-8 (shown here with its invalid bytes escaped); "
                           "rename the file to load it.")
    before = path.stat()
    if before.st_size > max_bytes:
        raise RejectedFile(
            f"The file is {before.st_size / 2**20:,.0f} MB, more than the {max_bytes / 2**20:,.0f} MB "
            "a news file may have (raise ETL_MAX_FILE_MB to accept it)."
        )
    data = path.read_bytes()
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
        raise FileInFlight(f"{path.name} changed while it was being read.")
    record = LandingFile(
        source_file=path.name,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return record, data


def decode(data: bytes) -> DecodedText:
    """Bytes to text with line endings normalised to `\\n`.

    UTF-8 is tried first because it is both the common case and
    self-validating; anything else is left to charset-normalizer.
    """
    if not data:
        raise RejectedFile("The file is empty (0 bytes).")
    text, encoding = _decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, repair = _repair_mojibake(text)
    controls = _control_count(text)
    if controls:
        # The whole file is judged: binary data may follow any amount of text.
        if controls > MAX_CONTROL_SHARE * len(text):
            raise RejectedFile(f"The file looks binary: {controls / len(text):.0%} of its characters are control codes.")
        text = text.translate(_CONTROL_REMOVAL)
        repair = "; ".join(filter(None, [repair, f"{controls:,} control characters removed"]))
    if not text.strip():
        raise RejectedFile("The file holds only whitespace, no text.")
    return DecodedText(text=text, encoding=encoding, repair=repair)


def _decode_bytes(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            mixed = _decode_mixed(data)
            if mixed is not None:
                return mixed
    best = _detect(data)
    return str(best), best.encoding


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """Text pasted together from UTF-8 and a legacy code page: each line in its own encoding.

    Applies only when some non-ASCII lines are valid UTF-8 and others are not; the legacy
    encoding of the others is left to the detector.
    """
    lines = data.splitlines(keepends=True)
    decoded: list[str | None] = []
    legacy_lines = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
            legacy_lines.append(line)
    if not legacy_lines or not any(d is not None and not d.isascii() for d in decoded):
        return None
    legacy = _detect(b"".join(legacy_lines)).encoding
    text = "".join(d if d is not None else line.decode(legacy, errors="replace") for d, line in zip(decoded, lines))
    return text, f"utf-8+{legacy}"


def _detect(data: bytes):
    """charset-normalizer's best reading of legacy-encoded bytes."""
    # Imported on first use, as is ftfy: the process that only fingerprints files never needs them.
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise RejectedFile("The file is not text in any known encoding (binary or corrupt data).")
    # A few stray high bytes in English text also decode "cleanly" as a CJK multi-byte
    # code page that no language supports; the library's coherence score tells them apart.
    coherent = [match for match in results if match.coherence > 0]
    if best.coherence == 0 and coherent:
        best = max(coherent, key=lambda match: (match.coherence, -match.chaos))
    # Western single-byte code pages are often indistinguishable on short text; like browsers
    # (WHATWG), settle such ties on Windows-1252, the web's legacy default.
    for match in results:
        if match.encoding == "cp1252" and match.language == best.language:
            return match
    return best


def _repair_mojibake(text: str) -> tuple[str, str | None]:
    if text.isascii() or not any(marker in text for marker in _MOJIBAKE_LEADS):
        return text, None  # plain substring tests first: far cheaper than any regex
    import ftfy

    if not _MOJIBAKE_HINT.search(text) or not ftfy.badness.is_bad(text):
        return text, None
    fixed, steps = ftfy.fix_encoding_and_explain(text.replace(_LOST_CLOSING_QUOTE, "â€\x9d"))
    if not steps:
        return text, None
    return fixed, "mojibake repaired: " + ", ".join(f"{action} {how}" for action, how in steps)


def _control_count(text: str) -> int:
    """Counted on the text's UTF-8 bytes, where a control character is one byte and no other
    character holds such a byte: deleting them is three times faster than a regex search."""
    encoded = text.encode("utf-8", "replace")
    return len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
