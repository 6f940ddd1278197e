"""Property tests: decoding, splitting and extraction never raise, and every offset maps back."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from etl.articles.forms import matching_form, normalise
from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.ingest.errors import RejectedFile
from etl.mentions.extract import extract_mentions

PIECES = list("abc XYZ.,;:'\"“”‘’–—\n\t\xa0£éÃ©â€") + [
    "\n\n",
    "Show Hide image",
    "Photo: Getty",
    " date 2017-08-07 ",
    "Mr ",
    "Labour",
    "Jeremy Corbyn",
    " (IPPR)",
    "UK-born",
    "Photograph: Getty Images.",
    "Sarah Mulley is associate director at IPPR.",
]
NEWSY = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_gives_text_or_a_reason(data):
    try:
        decoded = decode(data)
    except RejectedFile as exc:
        assert str(exc)
    else:
        assert decoded.text.strip() and "\r" not in decoded.text


@given(st.one_of(st.text(max_size=600), NEWSY))
def test_splitting_and_extraction_keep_offsets_valid(text):
    previous_end = 0
    for number, article in enumerate(split_articles(text), start=1):
        assert article.index == number
        assert previous_end <= article.char_start < article.char_end <= len(text)
        assert text[article.char_start : article.char_end] == article.text
        previous_end = article.char_end
        for paragraph in article.paragraphs:
            assert 0 <= paragraph.start < paragraph.end <= len(article.text)
        for m in extract_mentions(article.text, article.paragraphs):
            assert article.text[m.start : m.end] == m.surface
            assert m.entity_type in ("PERSON", "ORG", "PLACE")


@given(
    st.one_of(
        st.text(max_size=300), NEWSY, st.lists(st.sampled_from(" \n\t\r\x1c\u3000\u2028ab"), max_size=30).map("".join)
    )
)
def test_normalised_text_collapses_whitespace_as_str_split_does(text):
    # The identity of an article (article_id) must not depend on how the collapse is implemented.
    assert normalise(text) == " ".join(unicodedata.normalize("NFC", matching_form(text)).split())
