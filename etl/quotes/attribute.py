"""Who said a quotation: a sieve of rules, most certain first, each recording itself.

Each quotation is read with the words of its sentence outside the quotation: the part before it
(from the sentence's start, or the end of the previous quotation) and the part after it (to the
sentence's end, or the next quotation). The rules, in order:

1. `name`: a reporting verb with a person or organisation named in that sentence
   ('"...," Mr Howard said', 'said Mr Howard', 'Howard told the BBC: "..."', 'according to ...');
   an organisation as the source is cue `org` ('a Labour spokesman said').
2. `pronoun`: he/she (they) with a reporting verb: the person (organisation) named last before.
3. `role`: 'the Chancellor said': the person the article names with that role.
4. `previous`: a quotation that opens its sentence with no cue after it continues the previous
   quotation's speaker, when that one is in the same or the previous paragraph (news convention).

When no rule fires the speaker stays unknown (None) rather than guessed. Speakers are the
canonical entities of the mentions step, so a speaker has the same key as their mentions.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from etl.articles import Paragraph
from etl.mentions import gazetteer as gaz
from etl.mentions.extract import Mention
from etl.mentions.rules import rules
from etl.quotes.detect import Span

DATA = Path(__file__).parent / "data"
LANGUAGE = "en"
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’]+$")  # a quotation closing its own sentence
_GOES_ON = re.compile(r"\s*[a-z]")  # '"Why?" he asked' goes on after it
#: How far from a quotation its sentence is read, either side: a bound that keeps attribution
#: linear in the article however long its sentences.
WINDOW_CHARS = 250
_ROLE_CONTEXT_CHARS = 40
SPEAKER_TYPES = ("PERSON", "ORG")


class Attribution(NamedTuple):
    speaker: str | None  # canonical entity name, None when unknown
    speaker_type: str | None
    cue: str  # name | org | pronoun | role | previous | none
    rule: str | None  # the rule that fired, e.g. "verb-after-quote"
    verb: str | None  # the reporting word nearest the quotation, ":" for a colon


UNATTRIBUTED = Attribution(None, None, "none", None, None)


@dataclass(frozen=True)
class QuoteLanguage:
    """The word lists attribution reads, compiled once."""

    verbs: re.Pattern[str]  # a reporting word, in lower-case text
    subordinate: re.Pattern[str]  # a word opening a clause of its own ('when people asked')
    title_small_words: frozenset[str]  # lower-case words of a title-case name ('Campaign for Free Movement')
    addressed: frozenset[str]  # reporting verbs whose object is the listener ('told the BBC')
    pronouns: dict[str, str]  # pronoun -> the type of entity it stands for
    pronoun_word: re.Pattern[str]
    speaking: re.Pattern[str]  # after a person's name: 'said', ', the party's leader, has said'
    spokesperson: re.Pattern[str]  # after an organisation's name: "spokesman said", "'s statement said"
    adjectival_source: re.Pattern[str]  # 'a Conservative spokeswoman said': the party's adjective
    pronoun_cue: re.Pattern[str]  # "he said", "she told the BBC"
    inverted_pronoun_cue: re.Pattern[str]  # '"...," said she', just after a quotation
    role_cue: re.Pattern[str]  # "the chancellor said", "said the prime minister"


@functools.cache
def language() -> QuoteLanguage:
    folder = DATA / LANGUAGE
    phrases = sorted(_read_phrases(folder / "speech_verbs.txt"), key=len, reverse=True)
    verbs = "|".join(re.escape(p) for p in phrases)
    pronouns = {word: kind for kind, *words in map(str.split, _read_phrases(folder / "pronouns.txt")) for word in words}
    said = rf"(?:{verbs})"
    pronoun = "|".join(sorted(pronouns))
    roles = "|".join(sorted({w.lower() for w in rules().offices | rules().person_titles}, key=len, reverse=True))
    spokes = "|".join(_read_phrases(folder / "spokesperson_words.txt"))
    modifiers = "|".join(_read_phrases(folder / "verb_modifiers.txt"))
    times = "|".join(_read_phrases(folder / "time_words.txt"))
    adverbs = rf"(?:,? who)?(?: \w+ly| (?:{modifiers})| (?:{times}) \w+)*"
    return QuoteLanguage(
        verbs=re.compile(rf"\b(?:{verbs})\b"),
        subordinate=re.compile(rf"\b(?:{'|'.join(_read_phrases(folder / 'subordinators.txt'))})\b"),
        title_small_words=frozenset(_read_phrases(folder / "title_small_words.txt")),
        addressed=frozenset(_read_phrases(folder / "addressee_verbs.txt")),
        pronouns=pronouns,
        pronoun_word=re.compile(rf"\b(?:{pronoun})\b"),
        speaking=re.compile(rf"(?:,[^.;:\"“”]{{0,150}}?,?)?{adverbs} {said}\b"),
        spokesperson=re.compile(rf"(?:['’]s)?(?: [a-z-]+)? (?:{spokes}){adverbs} {said}\b"),
        adjectival_source=re.compile(rf"\b(?:[Aa]n?|[Tt]he) ([A-Z][\w-]*(?: [A-Z][\w-]*)?) (?:{spokes})\b"),
        pronoun_cue=re.compile(rf"\b({pronoun}){adverbs} {said}\b"),
        inverted_pronoun_cue=re.compile(rf"\W*{said} ({pronoun})\b"),  # '"...," said he'

        role_cue=re.compile(rf"\bthe (?:[a-z-]+ ){{0,2}}?({roles}){adverbs} {said}\b"
                            rf"|\b{said} the (?:[a-z-]+ ){{0,2}}?({roles})\b"),
    )


def _read_phrases(path: Path) -> list[str]:
    """One word or phrase per line, `#` for comments."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


class _Window(NamedTuple):
    start: int
    end: int


class _Article:
    """One article's text, quotations and speaker candidates, read by the rules."""

    def __init__(self, text: str, paragraphs: Sequence[Paragraph], spans: Sequence[Span],
                 mentions: Sequence[Mention]):
        self.text = text
        # The article's own words: lower-case, quotations blanked (same length, so offsets hold),
        # so no cue is ever read inside a quotation.
        pieces, at = [], 0
        for span in spans:
            pieces += [text[at : span.start].lower(), " " * (span.end - span.start)]
            at = span.end
        self.lower = "".join(pieces) + text[at:].lower()
        self.paragraphs = paragraphs
        self.spans = spans
        starts = [s.start for s in spans]
        # Speakers are named outside quotations, as people or organisations.
        named = [m for m in mentions if m.entity_type in SPEAKER_TYPES and not _inside(starts, spans, m.start)]
        self.candidates = sorted(named + self._adjectival_sources(named))
        self.candidate_starts = [m.start for m in self.candidates]

    def windows(self, i: int) -> tuple[_Window, _Window]:
        """The sentence around quotation `i`, outside it: before it and after it (other
        quotations in the sentence are read over, blanked)."""
        span = self.spans[i]
        para = self.paragraphs[span.paragraph_index]
        start = floor = max(para.start, span.start - WINDOW_CHARS)
        for found in _SENTENCE_BREAK.finditer(self.lower, floor, span.start):
            start = found.end()
        ceiling = min(para.end, span.end + WINDOW_CHARS)
        if _ENDS_SENTENCE.search(self.text, span.start, span.end) and not _GOES_ON.match(self.text, span.end, ceiling):
            return _Window(start, span.start), _Window(span.end, span.end)  # '..." Then a new sentence'
        found = _SENTENCE_BREAK.search(self.lower, span.end, ceiling)
        end = found.start() + 1 if found else ceiling
        return _Window(start, span.start), _Window(span.end, end)

    def mentions_in(self, window: _Window) -> list[Mention]:
        lo = bisect.bisect_left(self.candidate_starts, window.start)
        hi = bisect.bisect_left(self.candidate_starts, window.end)
        return [m for m in self.candidates[lo:hi] if m.end <= window.end]

    def antecedent(self, position: int, pronoun: str, paragraph_index: int) -> Mention | None:
        """Who a pronoun at `position` stands for: the last person (or organisation) before it
        reported as speaking ('Robin Cook said ...', 'a Labour spokesman said ...') in this or the
        two paragraphs before; failing that, the last one named."""
        entity_type = language().pronouns[pronoun]
        earlier = [m for m in reversed(self.candidates[: bisect.bisect_left(self.candidate_starts, position)])
                   if m.end <= position and m.paragraph_index >= paragraph_index - 2]
        lang = language()
        earlier = [m for m in earlier if _may_be(m, pronoun)]
        for m in earlier:
            if m.entity_type == entity_type and _speaks(self, m):
                return m
            if entity_type == "PERSON" and m.entity_type == "ORG" and lang.spokesperson.match(self.lower, m.end):
                return m  # 'a Labour spokesman said ... "...," he said'

        return next((m for m in earlier if m.entity_type == entity_type), None)

    def _adjectival_sources(self, named: list[Mention]) -> list[Mention]:
        """'a Conservative spokeswoman': the adjective as a mention of the organisation it names,
        when the article names that organisation too (so the speaker is one of its entities)."""
        organisations = {m.entity_name: m for m in named if m.entity_type == "ORG"}
        paragraph_starts = [p.start for p in self.paragraphs]
        found = []
        for source in language().adjectival_source.finditer(self.text):
            entry = gaz.lexicon().get(source.group(1))
            if entry is None or entry.entity_type != "ORG" or entry.canonical not in organisations \
                    or self.lower[source.start(1)] == " ":  # inside a quotation
                continue
            found.append(organisations[entry.canonical]._replace(
                start=source.start(1), end=source.end(1), surface=source.group(1),
                paragraph_index=bisect.bisect_right(paragraph_starts, source.start(1)) - 1))
        return found

    def with_role(self, role: str, before: int) -> Mention | None:
        """The person the article names with this role ('Chancellor Gordon Brown', 'Gordon Brown,
        the chancellor'), the last such before `before` first."""
        found = [m for m in self.candidates if m.entity_type == "PERSON" and (
            self.lower[max(0, m.start - _ROLE_CONTEXT_CHARS) : m.start].rstrip().endswith(role)
            or re.match(rf",? (?:the |a )?(?:[\w-]+ ){{0,2}}?{re.escape(role)}\b", self.lower[m.end : m.end + _ROLE_CONTEXT_CHARS])
        )]
        earlier = [m for m in found if m.end <= before]
        return (earlier or found or [None])[-1] if found else None


def _may_be(m: Mention, pronoun: str) -> bool:
    """Whether a pronoun can stand for this name: 'she' not for a first name only men have."""
    if m.entity_type != "PERSON":
        return True
    usual = gaz.pronoun_of_first_name().get(m.entity_name.split(" ", 1)[0])
    return usual is None or usual == pronoun or pronoun not in ("he", "she")


def _inside(starts: list[int], spans: Sequence[Span], position: int) -> bool:
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and position < spans[i].end


def attribute_all(text: str, paragraphs: Sequence[Paragraph], spans: Sequence[Span],
                  mentions: Sequence[Mention]) -> list[tuple[Attribution, bool]]:
    """(attribution, a reporting word stands in its sentence) of every quotation, in order."""
    article = _Article(text, paragraphs, spans, mentions)
    results: list[tuple[Attribution, bool]] = []
    for i, span in enumerate(spans):
        before, after = article.windows(i)
        attribution = _by_name(article, span, before, after) or _by_pronoun(article, span, before, after) \
            or _by_role(article, span, before, after)
        verb_nearby = attribution is not None or any(
            language().verbs.search(article.lower, w.start, w.end) for w in (before, after))
        if attribution is None:
            attribution = _by_previous(article, i, before, after, results)
        results.append((attribution or UNATTRIBUTED, bool(verb_nearby)))
    return results


def _by_name(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    """A reporting verb with a speaker named in the sentence; the side the quotation's own
    punctuation points to first ('...," she said' looks after it)."""
    follows = span.end - span.start > 2 and article.text[span.end - 2] in ",?!"
    for window, side in ((after, "after"), (before, "before")) if follows else ((before, "before"), (after, "after")):
        verbs = list(language().verbs.finditer(article.lower, window.start, window.end))
        if not verbs:
            continue
        verb = verbs[0] if side == "after" else verbs[-1]
        speaker = _subject(article, article.mentions_in(window), window, verb, side)
        if speaker is not None:
            cue = "name" if speaker.entity_type == "PERSON" else "org"
            return Attribution(speaker.entity_name, speaker.entity_type, cue, f"verb-{side}-quote", verb.group())
    lead = article.text[before.start : before.end].rstrip()
    if lead.endswith(":"):  # 'Mr Howard: "..."'
        people = [m for m in article.mentions_in(before) if m.entity_type == "PERSON" and m.end >= before.start + len(lead) - 2]
        if people:
            return Attribution(people[-1].entity_name, "PERSON", "name", "name-colon-quote", ":")
    return None


def _subject(article: _Article, named: list[Mention], window: _Window, verb: re.Match, side: str) -> Mention | None:
    """Who the verb reports: the nearest person (then organisation) before it that is the subject
    of a reporting verb ('Hina Majid, head of policy at ..., told', 'a Labour spokesman said'), not
    a name inside another phrase ('one veteran of Corbyn's campaigns reflected', 'an Ed supporter
    put it'); else, when the verb follows the quotation or is 'according to', the person named
    after it ('said Tory spokeswoman Caroline Spelman'), never the listener of 'told'."""
    lang = language()
    preceding = [m for m in named if m.end <= verb.start()]
    if verb.group().endswith("ing") and article.text[verb.start() - 2 : verb.start()] == ", ":
        # '..., saying:': a participle clause reports the subject of the sentence, named first
        first = [m for m in preceding if m.entity_type == "PERSON"] or preceding
        return first[0] if first else None
    for entity_type in SPEAKER_TYPES:
        for m in reversed(preceding):
            spoke = _speaks(article, m)
            # subject of this verb, or of one it goes on from ('X said he would tell them:', 'X
            # dismissed them, and said'), not across a clause of its own ('X agreed when people asked')
            if m.entity_type == entity_type and spoke and not lang.subordinate.search(article.lower, spoke, verb.start()):
                return m
    phrase = verb.group()
    if (side == "after" or " " in phrase) and phrase not in lang.addressed:
        following = [m for m in named if m.start >= verb.end() and m.entity_type == "PERSON"]
        if following and "," not in article.text[verb.end() : following[0].start]:
            return following[0]
    return None


def _speaks(article: _Article, m: Mention) -> int | None:
    """Where the reporting verb ends whose subject is this person, or this organisation or its
    spokesperson ('Robin Cook said', 'a Labour spokesman said'); None when it is no such subject."""
    lang = language()
    end = min(len(article.lower), m.end + WINDOW_CHARS)
    found = lang.speaking.match(article.lower, m.end, end) or (
        lang.spokesperson.match(article.lower, m.end, end)
        if m.entity_type == "ORG" or article.lower.startswith(("'s", "’s"), m.end) else None)
    return found.end() if found else None


def _by_pronoun(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    lang = language()
    for window in (after, before):
        cue = lang.pronoun_cue.search(article.lower, window.start, window.end)
        if cue is None and window is after:
            cue = lang.inverted_pronoun_cue.match(article.lower, window.start, window.end)
        if cue is None:
            continue
        pronoun = cue.group(1)
        speaker = article.antecedent(cue.start(), pronoun, span.paragraph_index)
        if speaker is not None:
            verb = lang.verbs.search(article.lower, cue.start(), cue.end())
            cue_kind = "pronoun" if speaker.entity_type == "PERSON" else "org"
            return Attribution(speaker.entity_name, speaker.entity_type, cue_kind, f"pronoun-{pronoun}",
                               verb.group() if verb else None)
    return None


def _by_role(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    for window in (after, before):
        cue = language().role_cue.search(article.lower, window.start, window.end)
        if cue is None:
            continue
        speaker = article.with_role(cue.group(1) or cue.group(2), span.start)
        if speaker is not None:
            verb = language().verbs.search(article.lower, cue.start(), cue.end())
            return Attribution(speaker.entity_name, "PERSON", "role", "role-named-elsewhere",
                               verb.group() if verb else None)
    return None


def _by_previous(article: _Article, i: int, before: _Window, after: _Window,
                 earlier: list[tuple[Attribution, bool]]) -> Attribution | None:
    """A quotation opening its sentence, with nothing reporting it, continues what came before:
    the last speaker the sentences before it in the paragraph (or the previous one) report
    ('Mr Hockney said the law was clear. "..."'), else the previous quotation's speaker."""
    span = article.spans[i]
    if article.text[before.start : before.end].strip() or language().verbs.search(article.lower, after.start, after.end):
        return None
    para = article.paragraphs[span.paragraph_index]
    context_start = article.paragraphs[span.paragraph_index - 1].start if span.paragraph_index else para.start
    if i and article.spans[i - 1].end > context_start:
        context_start = article.spans[i - 1].end
    speakers = [m for m in article.mentions_in(_Window(context_start, span.start)) if _speaks(article, m)]
    if speakers:  # the subject of the last sentence reporting someone: its first speaker
        sentence_start = max((b.end() for b in _SENTENCE_BREAK.finditer(article.lower, context_start, speakers[-1].start)),
                             default=context_start)
        m = next(m for m in speakers if m.start >= sentence_start)
        return Attribution(m.entity_name, m.entity_type, "previous", "speaker-of-sentence-before", None)
    if not i:
        return None
    previous = earlier[i - 1][0]
    if previous.speaker is None or span.paragraph_index - article.spans[i - 1].paragraph_index > 1:
        return None
    return Attribution(previous.speaker, previous.speaker_type, "previous", "continues-previous-quote", None)
