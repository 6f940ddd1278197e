"""Direct quotations and their speakers: one row per rule, and the scores on annotated articles."""

import json
from pathlib import Path

import pytest

from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.mentions.extract import extract_mentions
from etl.quotes.extract import extract_quotations
from helpers import BBC, PROJECT, SHARED, shared_scorer

BBC_QUOTES = {part: PROJECT / "tests" / "data" / f"bbc_quotes_{part}.jsonl" for part in ("tune", "report")}


def _quotations(text: str):
    (article,) = split_articles(text)
    return extract_quotations(article.text, article.paragraphs, extract_mentions(article.text, article.paragraphs))


TITLE = "A headline about politics\n\n"

DETECTION = [
    # (why, body text, expected quotations)
    ("curly marks", "“We will win,” said Tony Blair.", ["“We will win,”"]),
    ("straight marks", '"We will win," said Tony Blair.', ['"We will win,"']),
    (
        "single marks as quotation marks",
        "Tony Blair said the plan was ‘a disgrace to the nation’.",
        ["‘a disgrace to the nation’"],
    ),
    ("apostrophes are no quotation marks", "Tony Blair's plan isn't the Tories' plan, Mr Howard said.", []),
    (
        "a mark re-opened mid-line makes one quotation",
        '"We tried hard. "But we failed," said Colin Asplin.',
        ['"We tried hard. "But we failed,"'],
    ),
    (
        "an unclosed quotation ends with its paragraph",
        '"We tried hard, said Colin Asplin.\n\nThe hotel was empty.',
        ['"We tried hard, said Colin Asplin.'],
    ),
    ("a title-case label is no quotation", 'Members of "Blue Labour" met in Leeds, Tony Blair said.', []),
    ("a scare quote with no reporting word is no quotation", 'The "working class" vote went elsewhere.', []),
    ("a reported fragment is kept", 'Michael Howard called the plan "a disgrace".', ['"a disgrace"']),
]


@pytest.mark.parametrize("why, body, expected", DETECTION, ids=[row[0] for row in DETECTION])
def test_detection(why, body, expected):
    assert [q.quote_text for q in _quotations(TITLE + body + "\n")] == expected


ATTRIBUTION = [
    # (why, body text, speaker of the last quotation, cue)
    ("name after the quotation", '"We will win," said Tony Blair.', "Tony Blair", "name"),
    ("name and verb after the quotation", '"We will win," Mr Blair said.', "Blair", "name"),
    ("name before the quotation", 'Tony Blair told the BBC: "We will win."', "Tony Blair", "name"),
    ("the listener of told is no speaker", '"We will win," Tony Blair told BBC News.', "Tony Blair", "name"),
    (
        "title words between verb and name",
        '"It is typical," said Tory spokeswoman Caroline Spelman.',
        "Caroline Spelman",
        "name",
    ),
    (
        "an apposition between name and verb",
        'Tim Finch, head of migration at the Institute for Public Policy Research, said: "It failed."',
        "Tim Finch",
        "name",
    ),
    ("an organisation's spokesperson", 'A Labour Party spokesman said: "We will win."', "Labour Party", "org"),
    (
        "a party adjective names the party the article names",
        'The Conservative Party met. A Conservative spokeswoman said: "We apply the law."',
        "Conservative Party",
        "org",
    ),
    (
        "a pronoun takes the last person reported speaking",
        'Robin Cook said Lord Goldsmith had erred. "It was wrong," he said.',
        "Robin Cook",
        "pronoun",
    ),
    (
        "a pronoun skips people of the other sex",
        'Diane Abbott said Tony Blair had erred. "It was wrong," she said.',
        "Diane Abbott",
        "pronoun",
    ),
    (
        "a quotation opening its sentence continues the one before",
        '"It was wrong," said Tony Blair. "It will not happen again."',
        "Tony Blair",
        "previous",
    ),
    (
        "the speaker of the sentence before",
        'Mr Hockney said the law was clear.\n\n"The act is clear that seats are kept."',
        "Hockney",
        "previous",
    ),
    (
        "a participle clause reports the subject",
        'The poster shows Michael Howard with a watch, saying: "I can spend it twice."',
        "Michael Howard",
        "name",
    ),
    (
        "a name inside another phrase is no speaker",
        'As one veteran of Corbyn\'s campaigns reflected: "If they think they will win, they are wrong."',
        None,
        "none",
    ),
    ("an unnamed source stays unknown", 'One minister said: "It is time to stand up to them."', None, "none"),
    (
        "a pronoun takes the person the sentence before is about, speaking or not",
        "Robin Cook said the war was legal. Mr Jackson served as a minister until 1990. In a letter he wrote: "
        '"It is in the interest of the country."',
        "Jackson",
        "pronoun",
    ),
    (
        "a pronoun takes the subject of the sentence, not a person reported inside it",
        'Michael Howard denied Tim Yeo said the plans "stink". He also said: "We will set out our position."',
        "Michael Howard",
        "pronoun",
    ),
    (
        "a like pronoun reporting a sentence passes it over",
        "Alan Milburn spoke in London. And Tony Blair would lead the campaign, he said. "
        '"The prime minister will be out there," he said.',
        "Alan Milburn",
        "pronoun",
    ),
    (
        "a first name common to both sexes but mostly men's is a man's",
        'Oona King said the vote was close. George Galloway said: "It is not." "We will win," she said.',
        "Oona King",
        "pronoun",
    ),
    (
        "letters after a name stand between it and its verb",
        'The chairman of the Bar Council, Guy Mansfield QC warned of the risk. "What is going to happen to them?"',
        "Guy Mansfield",
        "previous",
    ),
    (
        "an organisation called again by the word its name is built on",
        "A new group, Labour Campaign for Free Movement, was launched. The campaign's statement insisted: "
        '"Migrants are not to blame."',
        "Labour Campaign for Free Movement",
        "org",
    ),
    (
        "a document speaks for the organisation that spoke through it",
        'The Electoral Commission\'s statement said the rules were clear. The statement added: "We will act."',
        "Electoral Commission",
        "org",
    ),
    (
        "what someone will say is reported like what they said",
        'Michael Howard will visit Leeds. "It sets family against family," he will argue.',
        "Michael Howard",
        "pronoun",
    ),
    (
        "a quotation closing its sentence ends it",
        'Alan Beith said it should wait "until it has proved effective." Oliver Heald accused the government of '
        'delay. "It is vital that we move ahead," he said.',
        "Oliver Heald",
        "pronoun",
    ),
    (
        "a phrase before the sentence's subject is read over",
        "Vince Cable criticised the plans. In the Budget, Mr Brown doubled stamp duty. Defending the plans, "
        'he told the BBC: "I will take no risks."',
        "Brown",
        "pronoun",
    ),
    (
        "a role nobody is named with passes the pronoun to the sentence before",
        "Mr Straw defended the paper at length, as Mr Straw does. Mr Ancram condemned the document. "
        '"Is it propaganda?" he asked. '
        'The Tory spokesman also criticised the government. "They had to publish 500 pages," he said.',
        "Ancram",
        "pronoun",
    ),
    (
        "a noun for what was said, owned by a name",
        '"The electorate are keener on the government," is the dry assessment of Graham Lane, a council leader.',
        "Graham Lane",
        "name",
    ),
    (
        "a noun for what was said, with a possessive name",
        'Gordon Brown wrote an article. "It was coded and careful," was Mr Marr\'s assessment.',
        "Marr",
        "name",
    ),
    (
        "the sentence before reports through a role",
        'Foreign Secretary Jack Straw met officials. Mr Brady said: "Keep the rebate." '
        'The foreign secretary said the rebate was just. "We have one of the lowest net receipts of any country."',
        "Jack Straw",
        "previous",
    ),
    (
        "the sentence before reports through a pronoun",
        'Michael Howard spoke in Kent. Mr Blair has failed, he claimed. "The result is big government."',
        "Michael Howard",
        "previous",
    ),
    (
        "a role whose last word is another post's is matched whole only",
        "Solicitor General Harriet Harman spoke first. Lord Goldsmith listened. The attorney general denied it. "
        '"The claims were wholly unfounded," he insisted.',
        "Lord Goldsmith",
        "pronoun",
    ),
    (
        "a spokesman for an organisation speaks for it",
        "A spokesman for the British Casino Association, which represents the industry, said the plans were unfair. "
        'He said foreign firms would win. "The UK industry is respected," he said.',
        "British Casino Association",
        "org",
    ),
    (
        "a word of a name is no other organisation called by it",
        "UK Independence Party leader Roger Knapman attacked the plans. The Green Party said the Budget was a "
        '"wasted opportunity" for the environment.',
        "Green Party",
        "org",
    ),
    (
        "an organisation's officials speak for it",
        'UKIP officials also argue Mr Kilroy-Silk has not been "straightforward" with them.',
        "UK Independence Party",
        "org",
    ),
    (
        "names sharing a verb: the first named leads",
        'The Conservatives and Lib Dems said the pledges were "worthless".',
        "Conservative Party",
        "org",
    ),
    (
        "dubbed reports words",
        'Clive Stafford-Smith spoke first. The Law Society dubbed the plans an "abuse of power".',
        "Law Society",
        "org",
    ),
    (
        "an adverb between a role and its verb",
        "Foreign Secretary Jack Straw spoke. Mr Brady disagreed. "
        'The foreign secretary meanwhile said the "justice" of the rebate remained.',
        "Jack Straw",
        "role",
    ),
    (
        "the one advising is the speaker",
        'Mr Blair recalls how Bill Clinton once advised him: "Always remember the news."',
        "Bill Clinton",
        "name",
    ),
    (
        "an organisation after the verb after the quotation",
        'It is "a taxpayer subsidised propaganda exercise", say the Tories.',
        "Conservative Party",
        "org",
    ),
    (
        "a possessive pronoun owning a noun for what was said",
        'Sir Digby Jones said stability mattered. His message to the chancellor was: "Please don\'t give it away."',
        "Digby Jones",
        "pronoun",
    ),
    (
        "a document nobody is named for leaves its words unattributed",
        'Sir Edward Heath said the talks had failed.\n\n"Jeremy said he had a problem," reads a memo for Mr Heath.',
        None,
        "none",
    ),
]


@pytest.mark.parametrize("why, body, speaker, cue", ATTRIBUTION, ids=[row[0] for row in ATTRIBUTION])
def test_attribution(why, body, speaker, cue):
    last = _quotations(TITLE + body + "\n")[-1]
    assert (last.speaker_name, last.cue) == (speaker, cue)


def _score(gold: Path, tmp_path: Path) -> tuple[float, float]:
    """Quote F1 and speaker accuracy with the shared scorer, extraction run in process."""
    rows = []
    for record in map(json.loads, gold.read_text(encoding="utf-8").splitlines()):
        name, index = record["file"], int(record["article_id"].rsplit("#", 1)[1])
        folder, _, number = name.removesuffix(".txt").partition("_")
        path = BBC / folder / f"{number}.txt" if folder.isalpha() else PROJECT / "warehouse" / "landing" / name
        article = split_articles(decode(path.read_bytes()).text)[index - 1]
        mentions = extract_mentions(article.text, article.paragraphs)
        rows += [
            {"source_file": name, "article_index": index, "quote_text": q.quote_text, "speaker_name": q.speaker_name}
            for q in extract_quotations(article.text, article.paragraphs, mentions)
        ]
    system = tmp_path / "quotes.jsonl"
    system.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    last = shared_scorer(
        "score_quotes.py", "--jsonl", str(system), "--gold", str(gold)
    )  # quote F1 x speaker accuracy y
    return float(last[2]), float(last[5])


@pytest.mark.parametrize(
    "gold, quote_f1, speaker_accuracy",
    [
        (SHARED / "gold" / "quotes_seeds.jsonl", 0.95, 0.75),
        (BBC_QUOTES["report"], 0.92, 0.70),  # never tuned on
    ],
)
def test_scores_on_annotated_articles(gold, quote_f1, speaker_accuracy, tmp_path):
    found_f1, found_accuracy = _score(gold, tmp_path)
    assert found_f1 >= quote_f1 and found_accuracy >= speaker_accuracy, (found_f1, found_accuracy)


def test_tune_and_report_articles_are_disjoint():
    files = {
        part: {json.loads(line)["file"] for line in path.read_text(encoding="utf-8").splitlines()}
        for part, path in BBC_QUOTES.items()
    }
    assert not files["tune"] & files["report"] and (len(files["tune"]), len(files["report"])) == (81, 21)


@pytest.mark.parametrize("folder", ["business", "politics", "sport"])
def test_every_speaker_is_an_entity_of_the_article(folder):
    """Speakers are keys of dim_entity, so each must be a (name, type) the article's mentions have."""
    checked = 0
    for path in sorted((BBC / folder).glob("*.txt"))[:150]:
        for article in split_articles(decode(path.read_bytes()).text):
            mentions = extract_mentions(article.text, article.paragraphs)
            entities = {(m.entity_name, m.entity_type) for m in mentions}
            for q in extract_quotations(article.text, article.paragraphs, mentions):
                if q.speaker_name is not None:
                    assert (q.speaker_name, q.speaker_type) in entities, (path.name, q)
                    checked += 1
    assert checked > 100
