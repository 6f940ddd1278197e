"""The extractor's rules, one row each: a sentence and the mentions it must give. A new rule or
cue word is pinned by adding one line to RULES. Also: the rule data loads only when consistent,
and the extractor's version follows every file that changes results."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.articles.split import split_articles
from etl.mentions import gazetteer
from etl.mentions.classify import WeightsError, load_model
from etl.mentions.extract import extract_mentions
from etl.mentions.rules import DATA, LANGUAGE, RuleDataError, load_rules
from etl.mentions.version import extractor_version
from helpers import SHARED

# (what the row pins, article body, {(surface, canonical name, type)} that must all be found,
#  surfaces that must not be found)
RULES = [
    (
        "honorific left out of the name",
        "Mr Blair said the plan would work.",
        {("Blair", "Blair", "PERSON")},
        {"Mr Blair"},
    ),
    (
        "peerage title kept in the name",
        "Lord Falconer said the court would sit.",
        {("Lord Falconer", "Lord Falconer", "PERSON")},
        set(),
    ),
    (
        "title before a first name trimmed",
        "Chancellor Gordon Brown said growth would rise.",
        {("Gordon Brown", "Gordon Brown", "PERSON")},
        {"Chancellor Gordon Brown"},
    ),
    (
        "demonym before a first name trimmed",
        "Scotsman Chris Paterson said he was delighted.",
        {("Chris Paterson", "Chris Paterson", "PERSON")},
        {"Scotsman Chris Paterson"},
    ),
    (
        "sentence-opening common word trimmed",
        "Producer Tim Bevan said the film would open in May.",
        {("Tim Bevan", "Tim Bevan", "PERSON")},
        {"Producer Tim Bevan"},
    ),
    (
        "common word kept inside a quoted name",
        "He said the 'Blue Labour' project had failed.",
        {("Blue Labour", "Blue Labour", "ORG")},
        set(),
    ),
    (
        "names joined by 'and' split",
        "Tony Blair and Gordon Brown met in London on Monday.",
        {
            ("Tony Blair", "Tony Blair", "PERSON"),
            ("Gordon Brown", "Gordon Brown", "PERSON"),
            ("London", "London", "PLACE"),
        },
        {"Tony Blair and Gordon Brown", "Monday"},
    ),
    (
        "title inside a run splits off the person after it",
        "Wales Secretary Peter Hain said the plan was fair.",
        {("Peter Hain", "Peter Hain", "PERSON")},
        {"Wales Secretary Peter Hain", "Secretary"},
    ),
    (
        "a known organisation before a person is a name of its own",
        "For the Lib Dems David Laws said the sums did not add up.",
        {("Lib Dems", "Liberal Democrats", "ORG"), ("David Laws", "David Laws", "PERSON")},
        {"Lib Dems David Laws"},
    ),
    (
        "party adjective before a person dropped",
        "Liberal Democrat Charles Kennedy said he would stand.",
        {("Charles Kennedy", "Charles Kennedy", "PERSON")},
        {"Liberal Democrat Charles Kennedy", "Liberal"},
    ),
    (
        "'of' kept inside an organisation",
        "Mervyn King said the Bank of England would act.",
        {("Bank of England", "Bank of England", "ORG")},
        {"England"},
    ),
    (
        "person named before 'of' an organisation split off",
        "Andreas Adriano of Latin Trade Magazine said prices rose.",
        {("Andreas Adriano", "Andreas Adriano", "PERSON")},
        {"Andreas Adriano of Latin Trade Magazine"},
    ),
    (
        "name particles kept",
        "Luiz Inacio Lula da Silva said Brazil would grow.",
        {("Luiz Inacio Lula da Silva", "Luiz Inacio Lula da Silva", "PERSON")},
        set(),
    ),
    (
        "'&' kept inside a name",
        "Shares in Johnson & Johnson rose 2% on Tuesday.",
        {("Johnson & Johnson", "Johnson & Johnson", "ORG")},
        {"Johnson"},
    ),
    (
        "well-known place keeps its leading word",
        "She moved to New York in 1990.",
        {("New York", "New York", "PLACE")},
        {"York"},
    ),
    (
        "honorific inside a run starts a new name",
        "The BBC Mr Howard spoke to said nothing.",
        {("BBC", "BBC", "ORG")},
        {"BBC Mr Howard"},
    ),
    (
        "place in capitals in a newswire dateline",
        "LONDON (Reuters) - Shares rose in NEW YORK on Monday.",
        {("LONDON", "London", "PLACE"), ("NEW YORK", "New York", "PLACE"), ("Reuters", "Reuters", "ORG")},
        {"YORK"},
    ),
    (
        "a company's short name resolves to its full name",
        "Royal Dutch Shell Plc said profits rose. Shares in Shell gained 2% in London.",
        {("Shell", "Royal Dutch Shell Plc", "ORG")},
        set(),
    ),
    (
        "lexicon aliases merge",
        "Britain and the UK are one country, the FT said.",
        {("Britain", "United Kingdom", "PLACE"), ("UK", "United Kingdom", "PLACE"), ("FT", "Financial Times", "ORG")},
        set(),
    ),
    ("party adjective is not a mention", "There were Tory attacks on the plan.", set(), {"Tory"}),
    (
        "party as a possessive noun is a mention",
        "The Tories' plan was published.",
        {("Tories", "Conservative Party", "ORG")},
        set(),
    ),
    (
        "acronym defined in the text",
        "The Institute for Fiscal Studies (IFS) said taxes would rise. The IFS also said spending would fall.",
        {("IFS", "Institute for Fiscal Studies", "ORG")},
        set(),
    ),
    (
        "surname resolves to the full name",
        "Michael Howard spoke first. Later Howard said he would stay.",
        {("Howard", "Michael Howard", "PERSON")},
        set(),
    ),
    (
        "stop tokens break a run",
        "Labour MP Diane Abbott said she would vote against it.",
        {("Labour", "Labour Party", "ORG"), ("Diane Abbott", "Diane Abbott", "PERSON")},
        {"MP"},
    ),
    (
        "reporting verb marks a person",
        "Keir Starmer said the vote would be close.",
        {("Keir Starmer", "Keir Starmer", "PERSON")},
        set(),
    ),
    (
        "listed company",
        "Unilever said its profits rose, and Nomura said it agreed.",
        {("Unilever", "Unilever", "ORG")},
        set(),
    ),
    (
        "national team in a sports report",
        "England beat France 24-17 at Twickenham. The England coach "
        "praised his squad after the match, and the France captain said his side had missed a try.",
        {("England", "England", "ORG"), ("France", "France", "ORG")},
        set(),
    ),
    (
        "country in a news report",
        "Prices rose in France and Germany last year, officials said.",
        {("France", "France", "PLACE"), ("Germany", "Germany", "PLACE")},
        set(),
    ),
]


@pytest.mark.parametrize("what,body,expected,absent", RULES, ids=[r[0] for r in RULES])
def test_rule(what: str, body: str, expected: set, absent: set):
    article = split_articles(f"A title\n\n{body}\n")[0]
    found = {(m.surface, m.entity_name, m.entity_type) for m in extract_mentions(article.text, article.paragraphs)}
    assert expected <= found, f"{what}: missing {expected - found}, found {found}"
    assert not {surface for surface, _, _ in found} & absent, f"{what}: found {found}"


def test_rule_data_loads_and_rejects_a_word_in_two_conflicting_sets(tmp_path: Path):
    rules = load_rules(DATA / LANGUAGE)
    assert "Party" in rules.org_cues and "River" in rules.place_cues and "Mr" in rules.honorifics_dropped
    folder = tmp_path / LANGUAGE
    shutil.copytree(DATA / LANGUAGE, folder)
    with (folder / "place_cues.txt").open("a", encoding="utf-8") as f:
        f.write("Party\n")
    with pytest.raises(RuleDataError, match=r"Party in both org_cues.txt and place_cues.txt"):
        load_rules(folder)
    (folder / "place_cues.txt").unlink()
    with pytest.raises(RuleDataError, match="missing word list 'place_cues'"):
        load_rules(folder)


def test_version_follows_rule_data_and_weights(tmp_path: Path):
    package = tmp_path / "mentions"
    shutil.copytree(
        Path(extractor_version.__code__.co_filename).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    before = extractor_version(package)
    assert before == extractor_version(package)
    for changed in ("data/en/org_cues.txt", "data/en/weights.json"):
        with (package / changed).open("a", encoding="utf-8") as f:
            f.write("\n")
        after = extractor_version(package)
        assert after != before, changed
        before = after


def test_weights_file_problems_name_the_file(tmp_path: Path):
    assert load_model(DATA / LANGUAGE / "weights.json").weights["bias"]
    broken = tmp_path / "weights.json"
    broken.write_text('{"labels": ["NONE", "PERSON"], "weights": {}}', encoding="utf-8")
    with pytest.raises(WeightsError, match=f"{broken}: labels"):
        load_model(broken)
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(WeightsError, match="cannot read the weights"):
        load_model(broken)


def test_place_tiers():
    tiers = gazetteer.place_tiers()
    assert tiers["New York"] == 1 and tiers["Kent"] == 1 and tiers["England"] == 1
    assert tiers["Obama"] == 2 and tiers["Street"] == 2  # small towns: only with evidence from context


def test_training_reproduces_the_shipped_weights_and_word_lists(tmp_path: Path):
    """`python -m etl.mentions.train` from the shared corpora and the tune set gives the shipped files."""
    trained = subprocess.run(
        [sys.executable, "-m", "etl.mentions.train", "--shared", str(SHARED), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert trained.returncode == 0, trained.stderr
    for name in ("weights.json", "common_words.txt", "first_names.txt"):
        assert (tmp_path / name).read_bytes() == (DATA / LANGUAGE / name).read_bytes(), name
