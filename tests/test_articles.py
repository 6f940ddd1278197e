import datetime as dt

import pytest

from etl.articles.forms import matching_form
from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from helpers import SEEDS


def _articles(name: str):
    return split_articles(decode((SEEDS / name).read_bytes()).text)


def test_seed_files_split_exactly_as_the_gold_says(gold):
    by_file = {}
    for record in gold:
        by_file.setdefault(record["file"], []).append(record)
    assert len(by_file) == 5
    for name, expected in by_file.items():
        articles = _articles(name)
        assert len(articles) == len(expected), name
        for article, record in zip(articles, expected, strict=True):
            assert article.title == record["title"]
            assert [article.char_start, article.char_end] == record["char_span"]
            assert article.standfirst == record["standfirst"]
            assert article.body.startswith(record["first_body_60"])


def test_boundary_lines_belong_to_no_article():
    for path in SEEDS.iterdir():
        for article in split_articles(decode(path.read_bytes()).text):
            assert "Show Hide image" not in article.text
            assert not article.text.endswith(("Photo: Getty", "Photo:Getty", "Getty"))


def test_leading_date_metadata_becomes_published_date():
    (article,) = _articles("004_1dfb63bf47ca936e.txt")
    assert str(article.published_date) == "2017-08-07"
    assert article.title is None
    assert article.text.startswith("Labour activists, MPs and some trade union leaders")


def test_bios_and_captions_are_told_apart_from_body():
    first, second = _articles("000_7e8e55041918a3c3.txt")
    assert first.byline == "Sarah Mulley is Associate Director at IPPR\nSarah Mulley is associate director at IPPR."
    assert first.captions == "Labour leader Ed Miliband. Photograph: Getty Images"
    assert "Photograph" not in first.body
    assert second.byline.startswith("Stephen Bush is special correspondent at the\xa0New Statesman.")
    (_, sexism) = _articles("001_666f149987165847.txt")
    assert sexism.byline == "Bex Bailey was on Labour’s national executive committee from 2014 to 2016."
    assert sexism.body.endswith("prove it is serious about women’s equality.")


def test_file_without_separator_is_one_article():
    (article,) = _articles("002_a314f3057370094f.txt")
    assert article.title == "Rearguard action by the far-Left"
    assert len(article.paragraphs) == 17


def test_article_id_is_shared_by_identical_articles_in_different_files():
    text = decode((SEEDS / "002_a314f3057370094f.txt").read_bytes()).text
    (a,) = split_articles(text)
    (b,) = split_articles(text.replace("\n", "\r\n").replace("\r\n", "\n") + "\n\n\n")
    (c,) = split_articles(text.replace("Labour", "Tory"))
    assert a.article_id == b.article_id != c.article_id


@pytest.mark.parametrize("text", ["just one line", "Title\n\nBody.", "\n\n  \n", "Show Hide image\nShow Hide image"])
def test_unknown_shapes_never_raise(text):
    for article in split_articles(text):
        assert article.text == text[article.char_start : article.char_end]


def test_matching_form_keeps_offsets():
    text = "“Miliband’s” – said\xa0Ms Majid"
    assert matching_form(text) == '"Miliband\'s" - said Ms Majid'
    assert len(matching_form(text)) == len(text)


def test_a_file_of_one_word_repeated_on_one_line_is_one_article():
    # Every "image" was once a scan back to the line start: quadratic on one long line.
    text = "image " * 1_000_000  # 6 MB
    (article,) = split_articles(text)
    assert article.text == text.rstrip() and (article.char_start, article.char_end) == (0, len(text) - 1)
    assert [p.role for p in article.paragraphs] == ["body"]


def test_separators_among_lines_full_of_the_word_still_split():
    noise = "Images of the image mage MAGE " * 2_000
    text = f"First title\n\n{noise}\nGetty\nShow Hide image\nSecond title\n\nimage {noise}\n"
    first, second = split_articles(text)
    assert (first.title, second.title) == ("First title", "Second title")
    assert first.body == noise.rstrip() and second.body == f"image {noise}".rstrip()


def test_a_long_blank_line_separates_paragraphs():
    # A paragraph search that tried every position of a blank line was quadratic in its length.
    text = "Title\n\nFirst paragraph.\n" + " \t" * 100_000 + "\nSecond paragraph.\n"
    (article,) = split_articles(text)
    assert [(p.role, article.text[p.start : p.end]) for p in article.paragraphs] == [
        ("title", "Title"),
        ("standfirst", "First paragraph."),
        ("body", "Second paragraph."),
    ]


def test_implausible_publication_dates_are_left_unknown_and_reported():
    ahead = dt.date.today() + dt.timedelta(days=365)
    dates = ["0001-01-01", "9999-12-31", "1799-12-31", "1800-01-01", str(ahead), str(ahead + dt.timedelta(days=1))]
    text = "".join(f" date {d}\nTitle {i}\n\nBody {i}.\nGetty\nShow Hide image\n" for i, d in enumerate(dates))
    articles = split_articles(text)
    assert [(a.title, a.published_date, a.unusable_date) for a in articles] == [
        ("Title 0", None, "0001-01-01"),
        ("Title 1", None, "9999-12-31"),
        ("Title 2", None, "1799-12-31"),
        ("Title 3", dt.date(1800, 1, 1), None),
        ("Title 4", ahead, None),
        ("Title 5", None, dates[5]),
    ]
    (not_a_date,) = split_articles(" date 2017-02-30\nTitle\n\nBody.\n")
    assert (not_a_date.published_date, not_a_date.unusable_date) == (None, "2017-02-30")
