"""The BBC corpus: 2,225 real single-article files in another shape and encoding."""

from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.mentions.extract import extract_mentions
from helpers import BBC, build, settle

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


def test_the_whole_bbc_corpus_builds_one_article_per_file(tmp_path):
    """2,225 real files flattened into one landing folder (98 of them byte-identical pairs)."""
    import shutil

    import duckdb

    landing = tmp_path / "landing"
    landing.mkdir()
    for path in BBC_FILES:
        shutil.copy(path, landing / f"{path.parent.name}_{path.name}")
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(DISTINCT source_file), max(article_index) FROM articles"
        ).fetchall() == [(2225, 2225, 1)]
        assert con.execute("SELECT count(*) FROM rejected_files").fetchall() == [(0,)]
        title, encoding = con.execute(
            "SELECT a.title, f.encoding FROM articles a JOIN dim_source_file f USING (source_file) "
            "WHERE source_file = 'sport_199.txt'"
        ).fetchall()[0]
        body = con.execute("SELECT body FROM articles WHERE source_file = 'sport_199.txt'").fetchall()[0][0]
    assert title == "Chelsea sack Mutu" and encoding == "cp1252" and "£" in body
