"""The BBC corpus: 2,225 real single-article files in another shape and encoding."""

from etl.articles import split_articles
from etl.ingest import decode
from etl.mentions import extract_mentions

from conftest import BBC

BBC_FILES = sorted(BBC.glob("*/*.txt"))


def test_every_bbc_file_is_one_article_titled_by_its_first_line():
    assert len(BBC_FILES) == 2225
    wrong = []
    for path in BBC_FILES:
        text = decode(path.read_bytes()).text
        articles = split_articles(text)
        first_line = text.strip().splitlines()[0].strip()
        if len(articles) != 1 or articles[0].title != first_line:
            wrong.append((path.relative_to(BBC).as_posix(), len(articles), articles[0].title if articles else None))
    assert wrong == []


def test_extraction_offsets_hold_on_bbc_politics():
    for path in sorted((BBC / "politics").glob("*.txt"))[:200]:
        (article,) = split_articles(decode(path.read_bytes()).text)
        for m in extract_mentions(article.text, article.paragraphs):
            assert article.text[m.start : m.end] == m.surface, path
