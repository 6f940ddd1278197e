"""Bytes to text: the encoding found, mojibake and stray control characters repaired.

Pure: a file that cannot become text raises `RejectedFile` with a sentence a person
understands; callers record it and go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.ingest.errors import RejectedFile

_BOMS = {  # tried in this order: UTF-32's little-endian BOM starts with UTF-16's
    b"\xef\xbb\xbf": "utf-8-sig",
    b"\xff\xfe\x00\x00": "utf-32",
    b"\x00\x00\xfe\xff": "utf-32",
    b"\xff\xfe": "utf-16",
    b"\xfe\xff": "utf-16",
}

#: A file with a larger share of control characters is taken for binary data; fewer are removed
#: from its text, and the repair says how many.
MAX_CONTROL_SHARE = 0.05


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
            raise RejectedFile(
                f"The file looks binary: {controls / len(text):.0%} of its characters are control codes."
            )
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
    text = "".join(
        d if d is not None else line.decode(legacy, errors="replace") for d, line in zip(decoded, lines, strict=True)
    )
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
