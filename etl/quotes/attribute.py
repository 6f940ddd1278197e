"""Who said a quotation: a sieve of rules, most certain first, each recording itself.

Each quotation is read with the words of its sentence outside it: the part before it (from the
sentence's start) and the part after it (to the sentence's end, none when the quotation closes
its own sentence), other quotations in the sentence blanked. The rules, in order:

1. `name`: a reporting verb whose subject is a person or organisation named in that sentence
   ('"...," Mr Howard said', 'said Mr Howard', 'Howard told the BBC: "..."', 'according to ...',
   '..., saying:' for the sentence's subject); an organisation, its spokesperson or its statement
   is cue `org` ('a Labour spokesman said', 'a Conservative spokeswoman said').
2. `pronoun`: he/she (they) with a reporting verb: the last person (organisation) before it
   reported as speaking, else the last named; never a first name of the other sex.
3. `role`: 'the foreign secretary told MPs': the person the article names with that role, else
   the person being reported on.
4. `previous`: a quotation opening its sentence with no cue after it continues what came before:
   the speaker the sentences before it report, else the previous quotation's (news convention).

When no rule fires the speaker stays unknown (None) rather than guessed. Speakers are the
canonical entities of the mentions step, so a speaker has the same key as their mentions.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs

from etl.articles.paragraphs import Paragraph
from etl.mentions import gazetteer as gaz
from etl.mentions.extract import Mention
from etl.mentions.rules import rules
from etl.quotes.detect import Span

DATA = Path(__file__).parent / "data"
LANGUAGE = "en"
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’]+$")  # a quotation closing its own sentence
_GOES_ON = re.compile(r"\s*[a-z]")  # '"Why?" he asked' goes on after it
_HAS_WORD = re.compile(r"\w")
_ORGANISATION_LAST = re.compile(r" (?:the )?")  # '"...," say the Tories.': between the verb and its subject
_CLAUSE_END = re.compile(r"\s*(?:[.,;:]|$)")
_JOINED = re.compile(r",? and (?:the )?|, ")  # between names that share a verb
_CALLED = re.compile(r"\bthe (?:[a-z-]+ )?$")  # before a word an organisation is called by ('the new campaign')
_LAST_CHAR = re.compile(r"(\S)\s*$")
_NEXT_SENTENCE = re.compile(r"\s+(?=[A-Z\"“‘'])")  # what follows a quotation that ends its sentence
#: How far from a quotation its sentence is read, either side: a bound that keeps attribution
#: linear in the article however long its sentences.
WINDOW_CHARS = 250
_ROLE_CONTEXT_CHARS = 40  # how far before or after a name its role is read ('Foreign Secretary Jack Straw')
#: How many reporting words after a name are tried as the verb it is subject of: its own comes
#: first or soon after (an apposition may hold one), and a bound keeps dense text linear.
_VERBS_TRIED = 3
#: How many names before a pronoun are read for what it stands for (a bound: linear time however
#: many names a paragraph holds).
_ANTECEDENTS_READ = 50
#: Words before a role that make it another post ('shadow chancellor', 'former leader').
_OTHER_HOLDER = ("shadow ", "former ", "ex-", "deputy ", "vice ")
#: How many sentences before a pronoun are read for its subject (a bound: linear time).
_SENTENCES_READ = 8
#: How many words may open a sentence before its subject's name ('But Mr Howard', 'Last month Tony Blair').
_LEADING_WORDS = 2
SPEAKER_TYPES = ("PERSON", "ORG")
_JOINING = ("the", "and")  # small words inside a name's head phrase ('Unite the Union'), not after it


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
    verb_finder: ahocorasick_rs.AhoCorasick  # every reporting word of an article in one pass
    subordinate: re.Pattern[str]  # a word opening a clause of its own ('when people asked')
    title_small_words: frozenset[str]  # lower-case words of a title-case name ('Campaign for Free Movement')
    role_words: frozenset[str]  # lower-case words that name a post or a role ('chancellor', 'spokesman')
    addressed: frozenset[str]  # reporting verbs whose object is the listener ('told the BBC')
    pronouns: dict[str, str]  # pronoun -> the type of entity it stands for
    possessives: dict[str, str]  # possessive pronoun -> its pronoun ('his' -> 'he')
    pronoun_word: re.Pattern[str]
    # What may stand between a name and the reporting verb it is subject of:
    speaking: re.Pattern[str]  # after a person's name: 'X said', 'X, the party's leader, has said'
    spokesperson: re.Pattern[str]  # after an organisation's name: "X spokesman said", "X's statement said"
    spokesperson_word: re.Pattern[str]
    spokesperson_for: re.Pattern[str]  # before an organisation's name: 'a spokesman for the '
    pronoun_cue: re.Pattern[str]  # "he said", "she told the BBC"
    inverted_pronoun_cue: re.Pattern[str]  # '"...," said she', just after a quotation
    role_cue: re.Pattern[str]  # "the chancellor said", "said the prime minister"
    document_cue: re.Pattern[str]  # "the statement added", "the report says", "reads a memo"
    # A noun for what was said, and its owner ('"..." is the dry assessment of X', '"..." was X's verdict'):
    noun_of: re.Pattern[str]  # ' is the dry assessment of '
    before_owner: re.Pattern[str]  # ' was ', before the name
    noun_owned: re.Pattern[str]  # "'s verdict", after it
    noun_of_pronoun: re.Pattern[str]  # 'his message to the chancellor was: ', before the quotation
    inverted_subject: re.Pattern[str]  # between 'said' and its subject: 'said Tory spokeswoman


@functools.cache
def language() -> QuoteLanguage:
    folder = DATA / LANGUAGE
    phrases = sorted(_read_phrases(folder / "speech_verbs.txt"), key=len, reverse=True)
    verbs = "|".join(re.escape(p) for p in phrases)
    pronouns = {word: kind for kind, *words in map(str.split, _read_phrases(folder / "pronouns.txt")) for word in words}
    possessives = dict(line.split() for line in _read_phrases(folder / "possessive_pronouns.txt"))
    said = rf"(?:{verbs})"
    pronoun = "|".join(sorted(pronouns))
    mention_rules = rules()
    role_words = mention_rules.offices | mention_rules.person_titles | mention_rules.person_roles
    roles = "|".join(sorted({w.lower() for w in role_words}, key=len, reverse=True))
    nouns = "|".join(_read_phrases(folder / "attribution_nouns.txt"))
    small = "|".join(sorted(_read_phrases(folder / "title_small_words.txt")))
    documents = "|".join(_read_phrases(folder / "document_words.txt"))
    spokes = "|".join(_read_phrases(folder / "spokesperson_words.txt")) + "|" + documents
    modifiers = "|".join(_read_phrases(folder / "verb_modifiers.txt"))
    times = "|".join(_read_phrases(folder / "time_words.txt"))
    post_nominals = "|".join(_read_phrases(folder / "post_nominals.txt"))
    adverbs = rf"(?:,? who)?(?: \w+ly| (?:{modifiers})| (?:{times}) \w+)*"
    return QuoteLanguage(
        verbs=re.compile(rf"\b(?:{verbs})\b"),
        verb_finder=ahocorasick_rs.AhoCorasick(phrases, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
        subordinate=re.compile(rf"\b(?:{'|'.join(_read_phrases(folder / 'subordinators.txt'))})\b"),
        title_small_words=frozenset(_read_phrases(folder / "title_small_words.txt")),
        role_words=frozenset(w.lower() for w in role_words),
        addressed=frozenset(_read_phrases(folder / "addressee_verbs.txt")),
        pronouns=pronouns,
        possessives=possessives,
        pronoun_word=re.compile(rf"\b(?:{pronoun})\b"),
        speaking=re.compile(rf"(?: (?:{post_nominals}))*(?:,[^.;:\"“”]{{0,150}},?)?{adverbs} "),
        spokesperson=re.compile(rf"(?:['’]s)?(?: [a-z-]+)? (?:{spokes}){adverbs} "),
        spokesperson_word=re.compile(rf"(?:{spokes})\b"),
        spokesperson_for=re.compile(rf"\b(?:{spokes}) (?:for|of|at|from) (?:the )?$"),
        pronoun_cue=re.compile(rf"\b({pronoun}){adverbs} {said}\b"),
        inverted_pronoun_cue=re.compile(rf"\W*{said} ({pronoun})\b"),  # '"...," said he'
        noun_of=re.compile(rf"\W*(?:is|was|are|were) (?:the|a|an) (?:[a-z-]+ )?({nouns}) (?:of|from|by) "),
        before_owner=re.compile(r"\W*(?:is|was|are|were) (?:[a-z]+ )?"),
        noun_owned=re.compile(rf"['’]s? (?:[a-z-]+ )?({nouns})\b"),
        noun_of_pronoun=re.compile(
            rf"\b({'|'.join(possessives)}) (?:[a-z-]+ )?({nouns})\b[^.;:]{{0,60}} (?:is|was|are|were):?\s*$"
        ),
        document_cue=re.compile(
            rf"\bthe (?:[a-z-]+ )?(?:{documents}){adverbs} {said}\b"
            rf"|\b{said} (?:a|an|the) (?:[a-z-]+ ){{0,2}}(?:{documents})\b"
        ),
        # determiners and words of a title or role, never a clause or a phrase of its own
        inverted_subject=re.compile(rf" (?:the |a |an |our )?(?:(?!(?:{small}|{documents})\b)[\w'’-]+ ){{0,6}}"),
        role_cue=re.compile(
            rf"\b(?:the|our) ((?:[a-z-]+ ){{0,2}}?(?:{roles})){adverbs} {said}\b"
            rf"|\b{said} (?:the|our) ((?:[a-z-]+ ){{0,2}}?(?:{roles}))\b"
        ),
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

    def __init__(self, text: str, paragraphs: Sequence[Paragraph], spans: Sequence[Span], mentions: Sequence[Mention]):
        self.text = text
        # The article's own words: lower-case, quotations blanked (same length, so offsets hold),
        # so no cue is ever read inside a quotation.
        pieces, at = [], 0
        for span in spans:
            pieces += [text[at : span.start].lower(), " " * (span.end - span.start)]
            at = span.end
        self.lower = "".join(pieces) + text[at:].lower()
        lower = self.lower
        self.verb_hits = [
            (start, end)
            for _, start, end in language().verb_finder.find_matches_as_indexes(lower)
            if (start == 0 or not lower[start - 1].isalnum()) and (end == len(lower) or not lower[end].isalnum())
        ]
        self.verb_starts = [start for start, _ in self.verb_hits]
        breaks = [(b.start(), b.end()) for b in _SENTENCE_BREAK.finditer(lower)]
        # a quotation closing its sentence ('... effective." Shadow secretary Oliver Heald said')
        # ends it, though its marks are blanked
        breaks += [
            (span.end - 1, closed.end())
            for span in spans
            if _ENDS_SENTENCE.search(text, span.start, span.end)
            and (closed := _NEXT_SENTENCE.match(text, span.end)) is not None
        ]
        breaks.sort()
        self.break_starts = [start for start, _ in breaks]
        self.break_ends = [end for _, end in breaks]
        self.paragraphs = paragraphs
        self.paragraph_starts = [p.start for p in paragraphs]
        self.spans = spans
        starts = [s.start for s in spans]
        # Speakers are named outside quotations, as people or organisations.
        named = [m for m in mentions if m.entity_type in SPEAKER_TYPES and not _inside(starts, spans, m.start)]
        self.candidates = sorted(named + self._adjectival_sources(named) + self._described_sources(named))
        self.candidate_starts = [m.start for m in self.candidates]
        self._role_holders: dict[str, list[Mention]] = {}

    def windows(self, i: int) -> tuple[_Window, _Window]:
        """The sentence around quotation `i`, outside it: before it and after it (other
        quotations in the sentence are read over, blanked)."""
        span = self.spans[i]
        para = self.paragraphs[span.paragraph_index]
        floor = max(para.start, span.start - WINDOW_CHARS)
        before = bisect.bisect_right(self.break_ends, span.start) - 1
        start = self.break_ends[before] if before >= 0 and self.break_ends[before] > floor else floor
        ceiling = min(para.end, span.end + WINDOW_CHARS)
        if _ENDS_SENTENCE.search(self.text, span.start, span.end) and not _GOES_ON.match(self.text, span.end, ceiling):
            return _Window(start, span.start), _Window(span.end, span.end)  # '..." Then a new sentence'
        after = bisect.bisect_left(self.break_starts, span.end)
        end = (
            self.break_starts[after] + 1
            if after < len(self.break_starts) and self.break_starts[after] < ceiling
            else ceiling
        )
        return _Window(start, span.start), _Window(span.end, end)

    def verbs_in(self, window: _Window) -> list[tuple[int, int]]:
        """(start, end) of the reporting words in a window, in order."""
        return self.verb_hits[
            bisect.bisect_left(self.verb_starts, window.start) : bisect.bisect_left(self.verb_starts, window.end)
        ]

    def verb_after(self, position: int, gap: re.Pattern[str], reach: int = WINDOW_CHARS) -> int | None:
        """The end of the first reporting word after `position` such that what stands between
        them fully matches `gap`, or None."""
        first = bisect.bisect_left(self.verb_starts, position)
        last = min(bisect.bisect_right(self.verb_starts, position + reach), first + _VERBS_TRIED)
        for index in range(first, last):
            start, end = self.verb_hits[index]
            if gap.fullmatch(self.lower, position, start):
                return end
        return None

    def mentions_in(self, window: _Window) -> list[Mention]:
        lo = bisect.bisect_left(self.candidate_starts, window.start)
        hi = bisect.bisect_left(self.candidate_starts, window.end)
        return [m for m in self.candidates[lo:hi] if m.end <= window.end]

    def antecedent(self, position: int, pronoun: str | None, paragraph_index: int) -> Mention | None:
        """Who a pronoun at `position` stands for (None: a role, any person): the subject of the
        sentences just before it (`_sentence_subject`); failing that, the last person (or
        organisation) before it reported as speaking ('Robin Cook said ...', 'a Labour spokesman
        said ...') in this or the two paragraphs before; failing that, the last one named."""
        entity_type = language().pronouns[pronoun] if pronoun else "PERSON"
        floor = self.paragraphs[max(0, paragraph_index - 2)].start
        first = bisect.bisect_left(self.candidate_starts, floor)
        last = bisect.bisect_left(self.candidate_starts, position)
        earlier = [
            m for m in reversed(self.candidates[max(first, last - _ANTECEDENTS_READ) : last]) if m.end <= position
        ]
        earlier = [m for m in earlier if _may_be(m, pronoun)]
        if entity_type == "PERSON":
            subject = self._sentence_subject(position, pronoun, earlier, floor)
            if subject is not None:
                return subject
        for m in earlier:
            if m.entity_type == entity_type and _speaks(self, m):
                return m
            if entity_type == "PERSON" and self.spoke_for(m):
                return m  # 'a Labour spokesman said ... "...," he said'

        return next((m for m in earlier if m.entity_type == entity_type), None)

    def spoke_through_others(self, position: int, paragraph_index: int) -> Mention | None:
        """The last organisation before `position`, in this or the two paragraphs before, reported
        as speaking through a spokesperson or a document ('a Labour spokesman said', 'the
        campaign's statement insisted')."""
        first = bisect.bisect_left(self.candidate_starts, self.paragraphs[max(0, paragraph_index - 2)].start)
        last = bisect.bisect_left(self.candidate_starts, position)
        return next(
            (
                m
                for m in reversed(self.candidates[max(first, last - _ANTECEDENTS_READ) : last])
                if m.end <= position and self.spoke_for(m)
            ),
            None,
        )

    def spoke_for(self, m: Mention) -> bool:
        """Whether an organisation is reported speaking through a spokesperson or a document: 'a
        Labour spokesman said', 'the campaign's statement insisted', 'a spokesman for the
        British Casino Association, which represents the industry, said'."""
        if m.entity_type != "ORG":
            return False
        lang = language()
        if self.verb_after(m.end, lang.spokesperson):
            return True
        return (
            lang.spokesperson_for.search(self.lower, max(0, m.start - _ROLE_CONTEXT_CHARS), m.start) is not None
            and _speaks(self, m) is not None
        )

    def _sentence_subject(
        self, position: int, pronoun: str | None, earlier: list[Mention], floor: int
    ) -> Mention | None:
        """The person the sentences before a pronoun are about, read back one sentence at a time
        (the pronoun's own sentence first, unless the pronoun reports it: 'X did Y, he said'): a
        person it reports as speaking, or an organisation's spokesperson; the holder of a role
        reporting it ('the Tory leader said'); a person opening it ('Mr Kennedy is touring the
        north.'). A sentence that a like pronoun or a role nobody is named with reports, or that
        names nobody, passes the question to the one before; any other sentence ends the search
        (None), as does the paragraph bound `floor`. `earlier`: the candidates before the
        pronoun, latest first."""
        lang = language()
        read_from = position
        if self.last_char_before(position) == ",":  # 'X did Y, he said': X is what he said
            read_from = self._sentence_start(position)
        for start, end in self.sentences_before(read_from, floor):
            sources = [m for m in reversed(earlier) if start <= m.start < end]  # in order
            named = [m for m in sources if m.entity_type == "PERSON"]
            speaking = [m for m in sources if (m.entity_type == "PERSON" and _speaks(self, m)) or self.spoke_for(m)]
            if speaking:
                return speaking[0]
            reports = bool(self.verbs_in(_Window(start, end)))
            role = lang.role_cue.search(self.lower, start, end) if reports else None
            holder = self.with_role(role.group(1) or role.group(2), end) if role else None
            if holder is not None:
                return holder
            reported = lang.pronoun_cue.search(self.lower, start, end) if reports else None
            if named and role is None and not (reported and reported.group(1) == pronoun):
                lead = self.lower[start : named[0].start].split(",", 1)[-1]  # after 'In the Budget,'
                opens = len(lead.split()) <= _LEADING_WORDS and "," not in lead
                possessive = self.lower.startswith(("'s", "’s"), named[0].end)
                return named[0] if opens and not possessive else None
        return None

    def sentences_before(self, end: int, floor: int) -> Iterator[tuple[int, int]]:
        """(start, end) of the sentences before `end`, back to `floor`, latest first: the first
        `_SENTENCES_READ` with words in them (blanked quotations between them read over, up to a bound)."""
        read = 0
        for _ in range(_SENTENCES_READ * 4):
            if end <= floor or read == _SENTENCES_READ:
                return
            start = max(self._sentence_start(end), floor)
            if _HAS_WORD.search(self.lower, start, end):
                read += 1
                yield start, end
            end = start

    def last_char_before(self, position: int) -> str:
        """The last character before `position` that is not white space ('' at the start)."""
        found = _LAST_CHAR.search(self.lower, max(0, position - WINDOW_CHARS), position)
        return found.group(1) if found else ""

    def _sentence_start(self, position: int) -> int:
        """Where the sentence holding the character before `position` starts (a paragraph starts
        one too, even after a quotation, blanked, that ends the paragraph before)."""
        before = bisect.bisect_left(self.break_ends, position) - 1
        paragraph = bisect.bisect_left(self.paragraph_starts, position) - 1
        return max(
            self.break_ends[before] if before >= 0 else 0, self.paragraph_starts[paragraph] if paragraph >= 0 else 0
        )

    def _adjectival_sources(self, named: list[Mention]) -> list[Mention]:
        """'a Conservative spokeswoman': the adjective as a mention of the organisation it names,
        when the article names that organisation too (so the speaker is one of its entities).
        'The Tory spokesman' is no such mention: a definite role is a person named elsewhere."""
        organisations = {m.entity_name: m for m in named if m.entity_type == "ORG"}
        found = []
        for canonical, m in organisations.items():
            for adjective in _adjectives().get(canonical, ()):
                at = self.text.find(adjective + " ")
                while at >= 0:
                    end = at + len(adjective)
                    if (
                        self.lower[at] != " "
                        and language().spokesperson_word.match(self.lower, end + 1)
                        and not self.lower.endswith("the ", 0, at)
                    ):
                        found.append(
                            m._replace(
                                start=at,
                                end=end,
                                surface=adjective,
                                paragraph_index=bisect.bisect_right(self.paragraph_starts, at) - 1,
                            )
                        )
                    at = self.text.find(adjective + " ", end)
        return found

    def _described_sources(self, named: list[Mention]) -> list[Mention]:
        """'the union said', 'the new campaign's statement': an organisation named before, called
        again by the head word of its name ('Unite the Union', 'Labour Campaign for Free
        Movement'), as a mention of it where it is so called."""
        organisations: dict[str, list[Mention]] = {}
        for m in named:
            if m.entity_type == "ORG":
                head = _head_word(m.entity_name)
                if head:
                    organisations.setdefault(head, []).append(m)
        if not organisations:
            return []
        found = []
        lower = self.lower
        named_starts = [m.start for m in named]
        for head, called in organisations.items():
            at = lower.find(head, called[0].end)
            while at >= 0:
                end = at + len(head)
                inside = bisect.bisect_right(named_starts, at) - 1  # the word of a name ('the Green Party')
                if (
                    (end == len(lower) or not lower[end].isalnum())
                    and _CALLED.search(lower, max(0, at - 40), at)
                    and not (inside >= 0 and named[inside].end > at)
                ):
                    m = [m for m in called if m.end <= at][-1]
                    found.append(
                        m._replace(
                            start=at,
                            end=end,
                            surface=self.text[at:end],
                            paragraph_index=bisect.bisect_right(self.paragraph_starts, at) - 1,
                        )
                    )
                at = lower.find(head, end)
        return found

    def with_role(self, role: str, before: int) -> Mention | None:
        """The person the article names with this role ('Foreign Secretary Jack Straw', 'Gordon
        Brown, the chancellor'), the last such before `before` first. The role is matched whole
        ('shadow chancellor' is not 'chancellor'), then by its last word alone unless a word before
        it is a role itself ('Lib Dem spokesman' is a spokesman, 'attorney general' no general)."""
        *qualifiers, head = role.split(" ")
        alone = () if any(word in language().role_words for word in qualifiers) else (head,)
        for wanted in dict.fromkeys((role, *alone)):
            if wanted not in self._role_holders:  # each role looked up once per article
                self._role_holders[wanted] = [
                    m for m in self.candidates if m.entity_type == "PERSON" and self._has_role(m, wanted)
                ]
            found = self._role_holders[wanted]
            if found:
                earlier = [m for m in found if m.end <= before]
                return (earlier or found)[-1]
        return None

    def _has_role(self, m: Mention, role: str) -> bool:
        before = self.lower[max(0, m.start - _ROLE_CONTEXT_CHARS) : m.start].rstrip()
        if before.endswith(role) and not before[: len(before) - len(role)].endswith(_OTHER_HOLDER):
            return True
        return (
            re.match(rf",? (?:the |a |our )?{re.escape(role)}\b", self.lower[m.end : m.end + _ROLE_CONTEXT_CHARS])
            is not None
        )


@functools.cache
def _adjectives() -> dict[str, tuple[str, ...]]:
    """Organisation → the adjectives of it the lexicon lists ('Conservative Party' → 'Conservative', 'Tory')."""
    found: dict[str, list[str]] = {}
    for alias, entry in gaz.lexicon().items():
        if entry.adjectival and entry.entity_type == "ORG":
            found.setdefault(entry.canonical, []).append(alias)
    return {canonical: tuple(sorted(aliases)) for canonical, aliases in found.items()}


@functools.lru_cache(maxsize=65536)
def _head_word(name: str) -> str | None:
    """The word marking an organisation that its name is built on, lower-case ('Electoral
    Commission' -> 'commission', 'Institute for Public Policy Research' -> 'institute', 'Unite
    the Union' -> 'union'), or None when there is none ('Downing Street')."""
    words = name.split()
    cut = next(
        (i for i, w in enumerate(words) if i and w in language().title_small_words and w not in _JOINING), len(words)
    )
    head = words[cut - 1] if len(words) > 1 else ""
    return head.lower() if head in rules().org_cues else None


def _may_be(m: Mention, pronoun: str | None) -> bool:
    """Whether a pronoun can stand for this name: 'she' not for a first name only men have."""
    if m.entity_type != "PERSON":
        return True
    usual = gaz.pronoun_of_first_name().get(m.entity_name.split(" ", 1)[0])
    return usual is None or usual == pronoun or pronoun not in ("he", "she")


def _inside(starts: list[int], spans: Sequence[Span], position: int) -> bool:
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and position < spans[i].end


def attribute_all(
    text: str,
    paragraphs: Sequence[Paragraph],
    spans: Sequence[Span],
    mentions: Sequence[Mention],
    fragments: Sequence[bool],
) -> list[tuple[Attribution, bool]]:
    """(attribution, a reporting word stands in its sentence) of every quotation, in order;
    `fragments` says which quotations are fragments."""
    article = _Article(text, paragraphs, spans, mentions)
    results: list[tuple[Attribution, bool]] = []
    embedded: list[bool] = []  # a fragment inside a sentence ('described him as a "Fagin"')
    for i, span in enumerate(spans):
        before, after = article.windows(i)
        embedded.append(fragments[i] and bool(text[before.start : before.end].strip()))
        attribution = (
            _by_name(article, span, before, after)
            or _by_pronoun(article, span, before, after)
            or _by_role(article, span, before, after)
            or _by_noun(article, span, before, after)
            or _by_document(article, span, before, after)
        )
        verb_nearby = attribution is not None or any(article.verbs_in(w) for w in (before, after))
        if attribution is None:
            attribution = _by_previous(article, i, before, after, results, embedded)
        results.append((attribution or UNATTRIBUTED, bool(verb_nearby)))
    return results


def _attributed(speaker: Mention, person_cue: str, rule: str, verb: str | None) -> Attribution:
    """An attribution to a speaker found by a rule: the rule's cue for a person, `org` for an organisation."""
    cue = person_cue if speaker.entity_type == "PERSON" else "org"
    return Attribution(speaker.entity_name, speaker.entity_type, cue, rule, verb)


def _verb_of(cue: re.Match[str]) -> str | None:
    """The reporting word inside a matched cue ('he told' -> 'told')."""
    verb = language().verbs.search(cue.string, cue.start(), cue.end())
    return verb.group() if verb else None


def _by_name(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    """A reporting verb with a speaker named in the sentence; the side the quotation's own
    punctuation points to first ('...," she said' looks after it)."""
    follows = span.end - span.start > 2 and article.text[span.end - 2] in ",?!"
    for window, side in ((after, "after"), (before, "before")) if follows else ((before, "before"), (after, "after")):
        verbs = article.verbs_in(window)
        if not verbs:
            continue
        verb = verbs[0] if side == "after" else verbs[-1]
        speaker = _subject(article, article.mentions_in(window), verb, side)
        if speaker is not None:
            return _attributed(speaker, "name", f"verb-{side}-quote", article.lower[verb[0] : verb[1]])
        if follows:
            break  # '"...," she said': the verb its punctuation points to is its own, whoever said it
    lead = article.text[before.start : before.end].rstrip()
    if lead.endswith(":"):  # 'Mr Howard: "..."'
        people = [
            m
            for m in article.mentions_in(before)
            if m.entity_type == "PERSON" and m.end >= before.start + len(lead) - 2
        ]
        if people:
            return Attribution(people[-1].entity_name, "PERSON", "name", "name-colon-quote", ":")
    return None


def _subject(article: _Article, named: list[Mention], verb: tuple[int, int], side: str) -> Mention | None:
    """Who the verb (start, end) reports: the nearest person (then organisation) before it that
    is the subject of a reporting verb ('Hina Majid, head of policy at ..., told', 'a Labour
    spokesman said'), not a name inside another phrase ('one veteran of Corbyn's campaigns
    reflected', 'an Ed supporter put it'); else, when the verb follows the quotation or is
    'according to', the person named after it ('said Tory spokeswoman Caroline Spelman'), never
    the listener of 'told'."""
    lang = language()
    verb_start, verb_end = verb
    preceding = [m for m in named if m.end <= verb_start]
    if article.lower[verb_end - 3 : verb_end] == "ing" and article.text[verb_start - 2 : verb_start] == ", ":
        # '..., saying:': a participle clause reports the subject of the sentence, named first
        first = [m for m in preceding if m.entity_type == "PERSON"] or preceding
        return first[0] if first else None
    for entity_type in SPEAKER_TYPES:
        for index in range(len(preceding) - 1, -1, -1):
            m = preceding[index]
            spoke = _speaks(article, m)
            # subject of this verb, or of one it goes on from ('X said he would tell them:', 'X
            # dismissed them, and said'), not across a clause of its own ('X agreed when people asked')
            if m.entity_type == entity_type and spoke and not lang.subordinate.search(article.lower, spoke, verb_start):
                while (
                    index
                    and preceding[index - 1].entity_type == entity_type
                    and _JOINED.fullmatch(article.lower, preceding[index - 1].end, preceding[index].start)
                ):
                    index -= 1  # 'the Conservatives and Lib Dems said': the first named leads
                return preceding[index]
    phrase = article.lower[verb_start:verb_end]
    if (side == "after" or " " in phrase) and phrase not in lang.addressed:
        following = [m for m in named if m.start >= verb_end]
        people = [m for m in following if m.entity_type == "PERSON"]
        if people and lang.inverted_subject.fullmatch(article.lower, verb_end, people[0].start):
            return people[0]
        if (
            side == "after"
            and following
            and _ORGANISATION_LAST.fullmatch(article.lower, verb_end, following[0].start)
            and _CLAUSE_END.match(article.lower, following[0].end)
        ):
            return following[0]  # '"...," say the Tories.'
    return None


def _speaks(article: _Article, m: Mention) -> int | None:
    """Where the reporting verb ends whose subject is this person, or this organisation or its
    spokesperson ('Robin Cook said', 'a Labour spokesman said'); None when it is no such subject."""
    lang = language()
    spoke = article.verb_after(m.end, lang.speaking)
    if spoke is None and (m.entity_type == "ORG" or article.lower.startswith(("'s", "’s"), m.end)):
        spoke = article.verb_after(m.end, lang.spokesperson)
    if spoke is not None and lang.pronoun_word.search(article.lower, m.end, spoke):
        return None  # 'The Tories, he said, ...': the verb is the pronoun's
    return spoke


def _by_pronoun(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    lang = language()
    for window in (after, before):
        if not article.verbs_in(window):
            continue  # every cue below holds a reporting word
        cue = lang.pronoun_cue.search(article.lower, window.start, window.end)
        if cue is None and window is after:
            cue = lang.inverted_pronoun_cue.match(article.lower, window.start, window.end)
        if cue is None:
            continue
        pronoun = cue.group(1)
        speaker = article.antecedent(cue.start(), pronoun, span.paragraph_index)
        if speaker is not None:
            return _attributed(speaker, "pronoun", f"pronoun-{pronoun}", _verb_of(cue))
    return None


def _by_role(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    for window in (after, before):
        if not article.verbs_in(window):
            continue  # every cue below holds a reporting word
        cue = language().role_cue.search(article.lower, window.start, window.end)
        if cue is None:
            continue
        # named with the role, or else the person the article is reporting on ('Jack Straw said.
        # The foreign secretary told MPs ...')
        speaker = article.with_role(cue.group(1) or cue.group(2), span.start) or article.antecedent(
            cue.start(), None, span.paragraph_index
        )
        if speaker is not None:
            return _attributed(speaker, "role", "role-named-elsewhere", _verb_of(cue))
    return None


def _by_noun(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    """'"...," is the dry assessment of Graham Lane' / '"..." was Mr Marr's verdict' / 'His
    message was: "..."': a noun for what was said, owned by the name that follows the quotation
    or by whom the pronoun before it stands for."""
    lang = language()
    owned = lang.noun_of_pronoun.search(article.lower, before.start, before.end)
    if owned is not None:  # 'His message to the chancellor was: "..."'
        speaker = article.antecedent(owned.start(), lang.possessives[owned.group(1)], span.paragraph_index)
        if speaker is not None:
            return _attributed(speaker, "pronoun", "noun-before-quote", owned.group(2))
    named = article.mentions_in(after)
    if not named:
        return None
    speaker = named[0]
    found = lang.noun_of.fullmatch(article.lower, after.start, speaker.start)
    if found is None and lang.before_owner.fullmatch(article.lower, after.start, speaker.start):
        found = lang.noun_owned.match(article.lower, speaker.end)
    if found is None:
        return None
    return _attributed(speaker, "name", "noun-after-quote", found.group(1))


def _by_document(article: _Article, span: Span, before: _Window, after: _Window) -> Attribution | None:
    """'The statement added: "..."': the organisation the article last reports as speaking (its
    spokesperson, its statement), whose document this is; unknown when there is none."""
    lang = language()
    for window in (after, before):
        if not article.verbs_in(window):
            continue  # every cue below holds a reporting word
        cue = lang.document_cue.search(article.lower, window.start, window.end)
        if cue is None:
            continue
        source = article.spoke_through_others(cue.start(), span.paragraph_index)
        if source is None:
            return UNATTRIBUTED  # a document nobody is named for: its words stay unattributed
        return _attributed(source, "org", "document-of-source", _verb_of(cue))
    return None


def _by_previous(
    article: _Article,
    i: int,
    before: _Window,
    after: _Window,
    earlier: list[tuple[Attribution, bool]],
    embedded: Sequence[bool],
) -> Attribution | None:
    """A quotation opening its sentence, with nothing reporting it, continues what came before:
    the speaker the last sentence before it that reports someone reports ('Mr Hockney said the
    law was clear. "..."'; in this paragraph or the one before), else the previous quotation's."""
    span = article.spans[i]
    if article.text[before.start : before.end].strip() or article.verbs_in(after):
        return None
    para = article.paragraphs[span.paragraph_index]
    context_start = article.paragraphs[span.paragraph_index - 1].start if span.paragraph_index else para.start
    if i and article.spans[i - 1].end > context_start and not embedded[i - 1]:
        context_start = article.spans[i - 1].end  # (a fragment is read with its sentence)
    for start, end in article.sentences_before(span.start, context_start):  # the last one reporting someone
        m = _reported_in(article, _Window(start, end), span.paragraph_index)
        if m is not None:
            return Attribution(m.entity_name, m.entity_type, "previous", "speaker-of-sentence-before", None)
    # the previous quotation but a fragment inside a sentence, seldom what the next one goes on with
    j = next((j for j in range(i - 1, -1, -1) if not embedded[j]), None)
    if j is None or earlier[j][0].speaker is None or span.paragraph_index - article.spans[j].paragraph_index > 1:
        return None
    previous = earlier[j][0]
    return Attribution(previous.speaker, previous.speaker_type, "previous", "continues-previous-quote", None)


def _reported_in(article: _Article, sentence: _Window, paragraph_index: int) -> Mention | None:
    """Who a sentence reports as speaking: its first speaker named (a person first), the holder of
    a role reporting it, or whom a pronoun reporting it stands for ('The Tories, he said, ...')."""
    lang = language()
    speaking = [m for m in article.mentions_in(sentence) if _speaks(article, m)]
    if speaking:
        return next((m for m in speaking if m.entity_type == "PERSON"), speaking[0])
    if not article.verbs_in(sentence):
        return None
    role = lang.role_cue.search(article.lower, sentence.start, sentence.end)
    holder = article.with_role(role.group(1) or role.group(2), sentence.end) if role else None
    if holder is not None:
        return holder
    cue = lang.pronoun_cue.search(article.lower, sentence.start, sentence.end)
    return article.antecedent(cue.start(), cue.group(1), paragraph_index) if cue else None
