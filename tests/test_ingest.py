import os
import time
from pathlib import Path

import pytest

from etl.ingest.decoding import decode
from etl.ingest.errors import RejectedFile
from etl.ingest.files import discover, fingerprint, readable_name
from etl.ingest.listing import look_at
from helpers import BBC, SEEDS


def test_discover_lists_only_visible_txt_files(tmp_path: Path):
    for name in ("b.txt", "a.TXT", ".hidden.txt", "notes.md", "image.jpg"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in discover(tmp_path)] == ["a.TXT", "b.txt"]


def test_discover_skips_links_out_of_the_landing_folder(tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "link.txt").symlink_to(outside)
    (landing / "real.txt").write_text("news")
    assert [p.name for p in discover(landing)] == ["real.txt"]


def test_fingerprint_of_a_seed_file():
    record, data = fingerprint(SEEDS / "002_a314f3057370094f.txt")
    assert record.size_bytes == 3836 == len(data)
    assert len(record.sha256) == 64


def test_utf8_seed_keeps_curly_quotes():
    text = decode((SEEDS / "000_7e8e55041918a3c3.txt").read_bytes()).text
    assert text.startswith("Labour is developing the right instincts on immigration\n\nMiliband’s mea culpa")


def test_windows_1252_bbc_file_keeps_its_pound_sign():
    decoded = decode((BBC / "sport" / "199.txt").read_bytes())
    assert "£" in decoded.text
    assert "\ufffd" not in decoded.text


def test_bom_and_crlf_are_normalised():
    decoded = decode("Title\r\n\r\nBody costs £1,400.\r\n".encode("utf-8-sig"))
    assert decoded.text == "Title\n\nBody costs £1,400.\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t\n  ", "only whitespace"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_unusable_files_are_rejected_with_a_reason(data: bytes, reason: str):
    with pytest.raises(RejectedFile, match=reason):
        decode(data)


def test_a_file_still_being_written_is_left_for_later(tmp_path: Path):
    path = tmp_path / "growing.txt"
    path.write_text("Title\n\nBody", encoding="utf-8")
    first = look_at(tmp_path, 5, {})
    assert first.in_flight == [path] and not first.settled
    path.write_text("Title\n\nBody, longer", encoding="utf-8")
    assert look_at(tmp_path, 5, first.unsettled).in_flight == [path]  # changed since the last look
    old = time.time() - 10
    os.utime(path, (old, old))
    settled = look_at(tmp_path, 5, {})
    assert list(settled.settled) == [path] and settled.unsettled == {}
    record, _ = fingerprint(path)
    assert record.size_bytes == len("Title\n\nBody, longer")


def test_a_file_dated_in_the_future_settles_on_the_second_look(tmp_path: Path):
    path = tmp_path / "from-the-future.txt"
    path.write_text("Title\n\nBody", encoding="utf-8")
    future = time.time() + 3600
    os.utime(path, (future, future))
    first = look_at(tmp_path, 1, {})
    assert first.in_flight == [path]
    second = look_at(tmp_path, 1, first.unsettled)
    assert list(second.settled) == [path] and second.in_flight == []
    assert second.unsettled == first.unsettled  # remembered while the clock still calls it new


def test_a_file_pasted_together_from_two_encodings_keeps_both_parts():
    data = (
        "Title\n\nThe cost was £1,400 – a “bargain”, said the café owner.\n".encode()
        + "Later it was £5 at the café.\n".encode("cp1252")
    )
    decoded = decode(data)
    assert decoded.encoding == "utf-8+cp1252"
    assert "£1,400 – a “bargain”, said the café owner." in decoded.text
    assert "Later it was £5 at the café." in decoded.text


def test_odd_entries_are_listed_for_rejection_and_never_fail_the_listing(tmp_path: Path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "dangling.txt").symlink_to("nowhere.txt")
    bad_name = tmp_path / os.fsdecode(b"bad\xff.txt")
    bad_name.write_text("A title\n\nA body.\n")
    (tmp_path / "good.txt").write_text("A title\n\nA body.\n")
    found = discover(tmp_path)
    assert [readable_name(p.name) for p in found] == ["bad\\xff.txt", "good.txt", "loop.txt"]
    with pytest.raises(RejectedFile, match="The file name is not valid UTF-8"):
        fingerprint(bad_name)
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        fingerprint(tmp_path / "loop.txt")


def test_binary_data_after_the_text_is_judged_on_the_whole_file():
    text = (SEEDS / "000_7e8e55041918a3c3.txt").read_bytes() * 2  # 24 KB of text, then the binary tail
    with pytest.raises(RejectedFile, match="looks binary: 80% of its characters are control codes"):
        decode(text + b"\x00" * 100_000)


def test_a_few_control_characters_are_removed_and_the_repair_says_so():
    text = (SEEDS / "000_7e8e55041918a3c3.txt").read_text(encoding="utf-8") * 2
    decoded = decode((text[:20_000] + "\x00\x07\x1b[0m" + text[20_000:] + "\x00" * 50).encode("utf-8"))
    assert decoded.text == text[:20_000] + "[0m" + text[20_000:]
    assert decoded.repair == "53 control characters removed"


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_and_utf16_with_a_byte_order_mark_are_decoded(encoding: str):
    # UTF-32's little-endian mark (FF FE 00 00) starts with UTF-16's: it must be looked for first.
    text = "Title\n\nThe café owner paid £1,400 for a “bargain”.\n"
    decoded = decode(("\ufeff" + text).encode(encoding))
    assert decoded.text == text and decoded.encoding == encoding[:6] and decoded.repair is None
