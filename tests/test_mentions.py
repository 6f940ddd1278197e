from collections import defaultdict

from etl.articles.paragraphs import Paragraph
from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.mentions.extract import extract_mentions
from etl.staging.frames import articles_frame, extracted_frames
from helpers import SEEDS


def _mentions(name: str, index: int = 1):
    article = split_articles(decode((SEEDS / name).read_bytes()).text)[index - 1]
    return article, extract_mentions(article.text, article.paragraphs)


def _entities(mentions) -> dict[tuple[str, str], set[str]]:
    found = defaultdict(set)
    for m in mentions:
        found[(m.entity_name, m.entity_type)].add(m.surface)
    return found


def test_offsets_point_at_the_surface_text_in_every_seed_article():
    for path in SEEDS.iterdir():
        for article in split_articles(decode(path.read_bytes()).text):
            for m in extract_mentions(article.text, article.paragraphs):
                assert article.text[m.start : m.end] == m.surface
                assert m.paragraph_role == article.paragraphs[m.paragraph_index].role


def test_surnames_resolve_to_the_full_name_and_possessives_are_left_out():
    # 004: "Left wing leader Jeremy Corbyn has previously said ..." then "Corbyn’s speeches", "But Corbyn has been ..."
    _, mentions = _mentions("004_1dfb63bf47ca936e.txt")
    entities = _entities(mentions)
    assert entities[("Jeremy Corbyn", "PERSON")] == {"Jeremy Corbyn", "Corbyn"}
    assert sum(m.entity_name == "Jeremy Corbyn" for m in mentions) == 5
    assert entities[("Clive Lewis", "PERSON")] == {"Clive Lewis", "Lewis"}
    assert ("Norwich", "PLACE") in entities  # "Norwich MP Clive Lewis"


def test_honorific_forms_resolve_and_honorifics_are_not_in_the_surface():
    # 002: "Hina Majid, legal policy director ..." later "said Ms Majid"; "Mr Balls has claimed ..."
    _, mentions = _mentions("002_a314f3057370094f.txt")
    entities = _entities(mentions)
    assert entities[("Hina Majid", "PERSON")] == {"Hina Majid", "Majid"}
    assert entities[("Ed Balls", "PERSON")] == {"Ed Balls", "Balls"}
    assert entities[("Tim Finch", "PERSON")] == {"Tim Finch", "Finch"}
    assert not any(m.surface.startswith(("Mr ", "Ms ")) for m in mentions)


def test_aliases_merge_into_one_canonical_entity():
    # 002 mentions both "Britain" and "the UK"; "the FT" is the Financial Times.
    _, mentions = _mentions("002_a314f3057370094f.txt")
    entities = _entities(mentions)
    assert entities[("United Kingdom", "PLACE")] == {"Britain", "UK"}
    assert ("Financial Times", "ORG") in entities
    assert not any(name in ("Britain", "UK") for name, _ in entities)


def test_adjectives_and_boilerplate_are_not_mentions():
    # 003 #1 says "Tory attacks on the left": an adjective, so no Conservative Party.
    _, mentions = _mentions("003_1c58c391d2c8a2f4.txt", 1)
    names = {m.entity_name for m in mentions}
    assert "Conservative Party" not in names
    assert not {"British", "Tory", "Besides", "Worse"} & {m.surface for m in mentions}


def test_names_inside_hyphenated_compounds_count():
    # 003 #2: "Bernie Sanders-style organisers", "pro-Corbyn"
    _, mentions = _mentions("003_1c58c391d2c8a2f4.txt", 2)
    entities = _entities(mentions)
    assert ("Bernie Sanders", "PERSON") in entities
    assert "Corbyn" in entities[("Jeremy Corbyn", "PERSON")]


def test_quotation_context_is_recorded():
    # 002: Will Straw said: “The very worst thing the Labour party could do ...”
    _, mentions = _mentions("002_a314f3057370094f.txt")
    quoted = [m for m in mentions if m.surface == "Labour party"]
    assert quoted and all(m.in_quote for m in quoted)
    straw = next(m for m in mentions if m.surface == "Will Straw")
    assert not straw.in_quote
    assert straw.paragraph_role == "body"


def test_extraction_never_raises_on_odd_text():
    for text in ["", "A", "THE END", "Mr", "Mr Mr Mr", "(IPPR)", "“", "Labour’s", "O'Brien-Smith said."]:
        assert isinstance(extract_mentions(text, [Paragraph("body", 0, len(text))]), list)


def test_staged_mention_rows_hold_each_field_in_its_named_column():
    text = decode((SEEDS / "002_a314f3057370094f.txt").read_bytes()).text
    staged, _ = extracted_frames(articles_frame([("sha", text)]))
    columns = [
        "sha256",
        "article_index",
        "char_start",
        "char_end",
        "surface",
        "entity_name",
        "entity_type",
        "paragraph_index",
        "paragraph_role",
        "sentence_index",
        "sentence_start",
        "sentence_end",
        "in_quote",
    ]
    expected = [
        (
            "sha",
            a.index,
            m.start,
            m.end,
            m.surface,
            m.entity_name,
            m.entity_type,
            m.paragraph_index,
            m.paragraph_role,
            m.sentence_index,
            m.sentence_start,
            m.sentence_end,
            m.in_quote,
        )
        for a in split_articles(text)
        for m in extract_mentions(a.text, a.paragraphs)
    ]
    assert staged.select(columns).rows() == expected
    straw = staged.filter(staged["surface"] == "Will Straw").row(0, named=True)
    assert (straw["entity_type"], straw["paragraph_role"], straw["in_quote"]) == ("PERSON", "body", False)
