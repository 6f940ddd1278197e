"""Find people, organisations and places in an article and resolve them to canonical names.

Rule-based and deterministic. Candidates are capitalised word sequences plus
curated lexicon phrases; each is typed from evidence that generalises
(honorifics and titles, organisation cue words, a place gazetteer, first names,
the words around it) and then resolved within the article (surname → full name,
acronym → the name it abbreviates, alias → canonical name).
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from etl.articles import Paragraph, matching_form
from etl.mentions import lexicon as ref

EXTRACTOR_VERSION = "rules-2"
ENTITY_TYPES = ("PERSON", "ORG", "PLACE")

_UPPER = "A-ZÀ-ÖØ-Þ"
_AFTER_CAPITAL = rf"[^\W\d_]*(?:[.'][{_UPPER}][^\W\d_]*)*(?:-[{_UPPER}][^\W\d_]*)*"
_TOKEN = rf"[{_UPPER}]{_AFTER_CAPITAL}"
_CONNECTOR = r"(?: (?:of|for|the|and|de|la|du|von|van|der|den|da|di|del|al|bin|on|&)){1,2}"
# The first capital is matched before the look-behind, so the engine can skip to capitals.
_SEQUENCE = re.compile(
    rf"[{_UPPER}](?<![\w.][{_UPPER}]){_AFTER_CAPITAL}(?:(?:{_CONNECTOR})? {_TOKEN})*"
    r"(?:(?:(?<=Radio)|(?<=Channel)|(?<=News)) \d{1,2}(?![\d,.]?\d))?"  # "BBC Radio 4", "Channel 4"
)
_START = operator.attrgetter("start")
_SENTENCE_BREAK = re.compile(r"[.!?]['\")\]]*\s+")

# Capitalised because of position or grammar, never part of a name.
_LEADING_WORDS = frozenset("""
A An And As At After Although Among Before Because Both But By Despite During Each Either Even Every
For From Given He Her His How However I If In Instead It Its Many Meanwhile More Most My Neither No
Nor Not Now Of On Once One Only Or Other Our Over Perhaps She Since So Some Still Such That The Their
Then There These They This Those Though Thus To Under Unlike Until Was We Well What When Whether Where
Which While Who Why With Within Without Yes Yet You Your Here Just Also Like Once Last Next New
""".split())
_STOP_TOKENS = frozenset("""
I MP MPs MEP MEPs MSP MSPs AM AMs PM QC KC CEO TV OK GDP VAT CLP CLPs PPE AGM EGM
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March April June July August September October November December
""".split())
_HONORIFICS_DROPPED = frozenset(
    "Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Rev Cllr Sgt Cpl Capt Col Gen Lt Insp Det Supt".split()
)
_HONORIFICS_KEPT = frozenset({"Lord", "Lady", "Baroness", "Baron"})
_PERSON_TITLES = frozenset("""
Backbencher Veteran Former Columnist Commentator Spokesman Spokeswoman Presenter Broadcaster Economist Analyst
Adviser Singer Actor Actress Comedian Author Writer Novelist Campaigner Activist Entrepreneur Tycoon Businessman
Businesswoman Star Chef Artist Designer Lawyer Barrister Candidate
President Chancellor Minister Secretary Senator Governor Mayor Judge King Queen Prince Princess Pope
Commissioner Ambassador General Colonel Captain Chairman Chairwoman Chair Leader Deputy Shadow Speaker
Home Foreign Health Education Justice Defence Culture Business Environment Chief Executive Prime Premier
Attorney Solicitor Archbishop Bishop Cardinal Councillor Inspector Sergeant Detective Coach Manager Director
""".split())
_ORG_CUES = frozenset("""
Party Union Unions Council Institute Institution Committee Commission Campaign Trust Watch Association Society
Foundation Agency Bank Ltd Plc plc Inc Corporation Corp Company Co Group Office Department Ministry Board
Network Alliance Movement Federation Congress Assembly Parliament University College School Academy Hospital
Service Services Authority Forum Centre Center Citizens Exchange Club Church Court Police Army Navy Force
Bureau League Organisation Organization Press News Times Post Herald Journal Magazine Review Gazette Unit
Government Senate Coalition Fund Funds Partnership Initiative Project Federation Confederation Chamber Cabinet
Radio Channel Television TV
Airways Airlines Motors Holdings Industries Technologies Systems Media Records Studios Pictures Labs
""".split())
_EVENT_CUES = frozenset("""
Day Days Week Month Year Festival Awards Award Games Cup Olympics Championship Championships Budget Act Bill
Treaty War Prize Summit Conference Review Report Strategy Plan Manifesto Election Referendum
""".split())
_OFFICES = frozenset("""
President Chancellor Minister Secretary Senator Governor Mayor Judge King Queen Prince Princess Pope
Commissioner Ambassador General Colonel Captain Speaker Premier
""".split())
_ROLE_WORDS = frozenset("Associate Assistant Senior Editor Director Correspondent Officer Spokesman Spokeswoman Head".split())
_EVENT_AFTER = re.compile(r"'s? (?:[A-Z][\w]+ )*(?:Day|Week|Month|Festival|Awards?|Cup|Prize)\b")
_ROMAN_NUMERALS = frozenset("I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split())
# Generic geographic words that make a capitalised name a place ("River Thames", "Fish Market").
_PLACE_CUES = frozenset("""
River Lake Loch Mount Mountains Sea Ocean Gulf Bay Island Islands Isle Valley Square Street Road Avenue Lane
Bridge Park Market Heath Common Forest Hills Coast Airport Estate Borough County Province District Canal
""".split())
_SKIPPED_WORDS = _LEADING_WORDS | _STOP_TOKENS
_NOT_SURNAMES = _ORG_CUES | _ROLE_WORDS | _PERSON_TITLES | _PLACE_CUES
_COMPASS = frozenset("North South East West Northern Southern Eastern Western Central".split())
_DERIVED_SUFFIX = re.compile(r"(?:ian|ians|ean|eans|ish|ese|ite|ites|ism|ist|ists|ness|ic|ics)$")
_PERSON_AFTER = re.compile(  # matched at the end of a name, within _AFTER_CHARS
    r"(?:'s? )?(?:,? (?:who|whose)\b| (?:said|says|told|tells|argued|argues|added|adds|claimed|claims|"
    r"wrote|writes|insisted|insists|warned|warns|believes|thinks|admitted|admits|tweeted|explained)\b|"
    r", (?:the |a |an )?(?:[\w'-]+ ){0,4}(?:director|editor|leader|secretary|chair|chairman|chairwoman|"
    r"head|founder|spokesman|spokeswoman|spokesperson|minister|MP|columnist|correspondent|chief|"
    r"executive|president|member|candidate|councillor|activist|organiser|author|professor|economist|"
    r"analyst|adviser|officer|campaigner|writer|journalist|lawyer|deputy|aide|manager|coach)\b)"
)
_AFTER_CHARS = 120  # how far after a name its context is read
_QUOTE_MARKS = "“”\""
_WORD_RUN = re.compile(r"\S+")
_LOWER_WORD_NEXT = re.compile(r" [a-z]")
_ACRONYM_DEFINITION = re.compile(r" \(([A-Z][A-Z&]{1,7})\)")
_ACRONYM = re.compile(rf"[{_UPPER}][{_UPPER}&]{{1,6}}s?")


class Mention(NamedTuple):
    """One mention; a named tuple, since an article yields dozens and they only travel to columns."""

    start: int  # offsets into the article text
    end: int
    surface: str
    entity_name: str
    entity_type: str
    paragraph_index: int
    paragraph_role: str
    sentence_index: int
    sentence_start: int  # the sentence around the mention, as offsets into the article text
    sentence_end: int
    in_quote: bool


_new_mention = tuple.__new__  # Mention(...) without the keyword handling of the named tuple's constructor


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    tokens: tuple[str, ...]
    paragraph_index: int
    sentence_initial: bool
    honorific: bool = False  # Mr, Lord, a title such as Home Secretary before the name
    person_evidence: bool = False
    typed_by_default: bool = False  # an unknown multi-word name, typed ORG for want of evidence
    from_lexicon: bool = False
    entity_type: str | None = None
    entity_name: str | None = None

    @property
    def surface(self) -> str:
        return " ".join(self.tokens)


def extract_mentions(text: str, paragraphs: Sequence[Paragraph]) -> list[Mention]:
    """Every PERSON, ORG and PLACE mention in the article, in text order."""
    if not paragraphs:
        return []
    folded = matching_form(text)
    starts = [p.start for p in paragraphs]
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(folded)]
    scan = _Scan(folded, paragraphs, starts)
    candidates = _longest_first(_sequence_candidates(scan), _lexicon_candidates(scan), len(folded))
    _define_acronyms(folded, candidates)
    _resolve_within_article(candidates)
    return _mentions(text, paragraphs, breaks, candidates)


def _mentions(text: str, paragraphs: Sequence[Paragraph], breaks: list[int], candidates: list[_Candidate]) -> list[Mention]:
    """Typed candidates as mentions, with their sentence and quotation: one sweep, as both are in text order."""
    quotes = _quote_spans(text, paragraphs)
    quote, quote_count, break_count, paragraph_count = 0, len(quotes), len(breaks), len(paragraphs)
    following = 0  # sentence breaks at or before the candidate
    first_break: dict[int, int] = {}  # sentence breaks at or before each paragraph's start
    sentence: tuple[int, int, int, int] | None = None  # (key, index, start, end) of the last sentence seen
    mentions = []
    for c in candidates:
        if c.entity_type is None:
            continue
        index = c.paragraph_index
        para = paragraphs[index]
        while following < break_count and breaks[following] <= c.start:
            following += 1
        key = following * paragraph_count + index
        if sentence is None or sentence[0] != key:
            if index not in first_break:
                first_break[index] = bisect.bisect_right(breaks, para.start)
            start = breaks[following - 1] if following and breaks[following - 1] > para.start else para.start
            end = breaks[following] if following < break_count and breaks[following] < para.end else para.end
            while end > para.start and text[end - 1].isspace():
                end -= 1
            sentence = (key, following - first_break[index], start, end)
        while quote < quote_count and quotes[quote][1] <= c.start:
            quote += 1
        mentions.append(_new_mention(Mention, (
            c.start, c.end, text[c.start : c.end], c.entity_name or c.surface, c.entity_type,
            index, para.role, sentence[1], sentence[2], sentence[3],
            quote < quote_count and quotes[quote][0] <= c.start,
        )))
    return mentions


@dataclass(frozen=True, slots=True)
class _Scan:
    """One article being scanned: its matching form and paragraphs."""

    folded: str
    paragraphs: Sequence[Paragraph]
    starts: list[int]  # paragraph starts, for bisecting

    def position(self, start: int) -> tuple[int, bool]:
        """(paragraph index, opens a sentence or quotation) of an offset."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index, self.opens_sentence(start, self.starts[index])

    def opens_sentence(self, start: int, para_start: int) -> bool:
        """Whether the word at `start`, in the paragraph starting at `para_start`, opens a
        sentence or quotation."""
        if start == para_start or self.folded[start - 1] in "\"'(":
            return True
        window_start = start - 8 if start - 8 > para_start else para_start
        before = self.folded[window_start:start].rstrip(" \"'([")
        return before[-1] in ".!?:;-" if before else window_start == para_start


def _quote_spans(text: str, paragraphs: Sequence[Paragraph]) -> list[tuple[int, int]]:
    """(start, end) of every quotation, in text order; one left open runs to its paragraph's end."""
    marks = sorted(_occurrences(text, _QUOTE_MARKS))
    spans: list[tuple[int, int]] = []
    if not marks:
        return spans
    mark = 0
    for para in paragraphs:
        open_at = None
        while mark < len(marks) and marks[mark][0] < para.end:
            pos, ch = marks[mark]
            mark += 1
            if pos < para.start:
                continue
            if ch == "“" or (ch == '"' and open_at is None):
                open_at = pos
            elif open_at is not None:
                spans.append((open_at, pos + 1))
                open_at = None
        if open_at is not None:
            spans.append((open_at, para.end))
    return spans


def _occurrences(text: str, chars: str) -> list[tuple[int, str]]:
    """(offset, character) of every occurrence of these characters: a substring search per
    character is several times faster than a regex character class over the whole text."""
    found = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            found.append((at, char))
            at = text.find(char, at + 1)
    return found


def _sequence_candidates(scan: _Scan) -> list[_Candidate]:
    """Names in capitalised runs, typed; in text order and never overlapping one another."""
    out = []
    folded, starts, paragraphs = scan.folded, scan.starts, scan.paragraphs
    index, last = 0, len(starts) - 1  # runs come in text order: their paragraph only moves forward
    for m in _SEQUENCE.finditer(folded):
        word = m.group()
        if word in _SKIPPED_WORDS:  # the commonest single capitalised words
            continue
        base = m.start()
        while index < last and starts[index + 1] <= base:
            index += 1
        initial = scan.opens_sentence(base, starts[index])
        para = paragraphs[index]
        for rel_start, rel_end, tokens, honorific, sentence_initial, entry in _names_in_run(word, initial):
            start, end = base + rel_start, base + rel_end
            cand = _Candidate(start, end, tokens, index, sentence_initial, honorific)
            if entry is not None and not entry.adjectival:  # the commonest case, and context cannot change it
                cand.entity_type, cand.entity_name = entry.entity_type, entry.canonical
            else:
                window = end + _AFTER_CHARS  # the words after the name, matched in place rather than sliced
                opens_bio = para.role == "bio" and start == para.start and len(tokens) > 1
                cand.person_evidence = honorific or opens_bio or _PERSON_AFTER.match(folded, end, window) is not None
                cand.entity_type, cand.entity_name, cand.typed_by_default = _classify(
                    tokens, honorific, cand.person_evidence, sentence_initial,
                    entry is not None and _noun_use(folded, end),
                    entry is None and _EVENT_AFTER.match(folded, end, window) is not None,
                )
            out.append(cand)
    return out


@functools.lru_cache(maxsize=200_000)
def _names_in_run(
    run: str, initial: bool,
) -> tuple[tuple[int, int, tuple[str, ...], bool, bool, ref.LexiconEntry | None], ...]:
    """(start, end, words, honorific or title seen, sentence-initial, lexicon entry) of each name
    in a capitalised run, after trimming; cached, since runs repeat. Only a name opening the
    run can open a sentence: the others follow a word of the run."""
    names = []
    for start, end, tokens in _split_sequence(run):
        dropped, tokens, honorific, sentence_initial, entry = _trim(tokens, initial and start == 0)
        if tokens:
            names.append((start + dropped, end, tokens, honorific, sentence_initial, entry))
    return tuple(names)


def _split_sequence(run: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """(start, end, words) of the names in a capitalised run, offsets relative to the run:
    broken at stop words and regnal numbers; connectors ("of", "and") kept only inside
    organisation names."""
    tokens = [m.span() for m in _WORD_RUN.finditer(run)]
    pieces, current = [], []
    for s, e in tokens:
        word = run[s:e]
        if word in _STOP_TOKENS:
            if current:
                pieces.append(current)
            current = []
            continue
        current.append((s, e))
        if word in _ROMAN_NUMERALS and len(current) > 1:  # "Henry IV Part II": a regnal number ends a name
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    spans = []
    for piece in pieces:
        words = [run[s:e] for s, e in piece]
        has_connector = any(w[0].islower() or w == "&" for w in words)
        if has_connector and not _is_org_name(words) and " ".join(words) not in ref.lexicon():
            names = []
            for (s, e), w in zip(piece, words):
                if w[0].islower() or w == "&":
                    if names:
                        spans.append((names[0][0], names[-1][1]))
                    names = []
                else:
                    names.append((s, e))
            if names:
                spans.append((names[0][0], names[-1][1]))
        else:
            # strip connectors left dangling at either end
            while piece and (run[piece[-1][0]].islower() or run[piece[-1][0]] == "&"):
                piece = piece[:-1]
            while piece and (run[piece[0][0]].islower() or run[piece[0][0]] == "&"):
                piece = piece[1:]
            if piece:
                spans.append((piece[0][0], piece[-1][1]))
    return tuple((s, e, tuple(run[s:e].split(" "))) for s, e in spans)


def _is_org_name(words: list[str]) -> bool:
    capitals = [w for w in words if w[0].isupper()]
    return any(w in _ORG_CUES for w in capitals)


def _trim(tokens: tuple[str, ...], initial: bool) -> tuple[int, tuple[str, ...], bool, bool, ref.LexiconEntry | None]:
    """(characters dropped, remaining tokens, honorific or title seen, still sentence-initial,
    the lexicon entry of what remains)."""
    honorific, dropped = False, 0
    while tokens and (tokens[0] in _LEADING_WORDS or tokens[0] in _HONORIFICS_DROPPED or tokens[0][0].islower()):
        honorific |= tokens[0] in _HONORIFICS_DROPPED
        initial = False  # what follows is capitalised for being a name
        dropped += len(tokens[0]) + 1
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[0] in _PERSON_TITLES and " ".join(tokens) not in ref.lexicon():
        titles = 0
        while len(tokens) > titles + 1 and tokens[titles] in _PERSON_TITLES:
            titles += 1
        rest = tokens[titles:]
        if ref.is_first_name(rest[0]) or (len(rest) == 1 and _OFFICES & set(tokens[:titles])):
            dropped += sum(len(t) + 1 for t in tokens[:titles])
            tokens, honorific, initial = rest, True, False
    if tokens and tokens[0] in _HONORIFICS_KEPT and len(tokens) > 1:
        honorific = True
    return dropped, tokens, honorific, initial, ref.lexicon().get(" ".join(tokens))


@functools.lru_cache(maxsize=200_000)
def _classify(
    tokens: tuple[str, ...], honorific: bool, person_evidence: bool, sentence_initial: bool,
    noun_use: bool, event_after: bool,
) -> tuple[str | None, str | None, bool]:
    """(type, canonical name, typed only by default) of a candidate; cached, since names repeat."""
    surface = " ".join(tokens)
    entry = ref.lexicon().get(surface)
    if entry is not None:
        if entry.adjectival and not noun_use:
            return None, None, False
        return entry.entity_type, entry.canonical, False
    if (tokens[-1] in _EVENT_CUES and len(tokens) > 1) or event_after:
        return None, None, False
    if all(t in _PERSON_TITLES or t in _ROLE_WORDS for t in tokens):
        return None, None, False
    if len(tokens) > 1 and tokens[-1] in _ROMAN_NUMERALS and not ref.is_first_name(tokens[0]):
        return None, None, False  # "Part II", "World War II": numbered things, not regnal names
    if surface in ref.places() and not honorific:
        return "PLACE", surface, False
    if len(tokens) > 1 and tokens[0] in _COMPASS and " ".join(tokens[1:]) in ref.places():
        return "PLACE", surface, False
    if len(tokens) > 1 and (_is_org_name(tokens) or any(_is_lexicon_org(t) for t in tokens)):
        return "ORG", surface, False
    if len(tokens) > 1 and (tokens[0] in _PLACE_CUES or tokens[-1] in _PLACE_CUES) and not honorific:
        return "PLACE", surface, False
    if honorific or (person_evidence and (len(tokens) > 1 or not (sentence_initial or surface in _NOT_SURNAMES))):
        return "PERSON", surface, False
    if len(tokens) == 1:
        token = tokens[0]
        if _ACRONYM.fullmatch(token) and not sentence_initial:
            return "ORG", token[:-1] if token.endswith("s") and token[:-1].isupper() else token, False
        return None, None, False  # left for within-article resolution
    if ref.is_first_name(tokens[0]) and len(tokens) <= 4:
        return "PERSON", surface, False
    return "ORG", surface, True


def _is_lexicon_org(token: str) -> bool:
    entry = ref.lexicon().get(token)
    return entry is not None and entry.entity_type == "ORG"


def _noun_use(text: str, end: int) -> bool:
    """True for "the Tories' plan" or "the Tory." but not "Tory attacks" (`end`: the name's end)."""
    return text.startswith("'", end) or not _LOWER_WORD_NEXT.match(text, end)


def _lexicon_candidates(scan: _Scan) -> list[_Candidate]:
    out = []
    folded, aliases = scan.folded, ref.lexicon_aliases()
    for pattern, start, end in ref.lexicon_automaton().find_matches_as_indexes(folded, overlapping=True):
        if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
            continue
        alias = aliases[pattern]
        entry = ref.lexicon()[alias]
        if entry.adjectival and not _noun_use(folded, end):
            continue
        index, initial = scan.position(start)
        cand = _Candidate(start, end, tuple(alias.split(" ")), index, initial, from_lexicon=True)
        cand.entity_type, cand.entity_name = entry.entity_type, entry.canonical
        out.append(cand)
    return out


def _longest_first(sequence: list[_Candidate], lexicon: list[_Candidate], length: int) -> list[_Candidate]:
    """Non-overlapping candidates in text order: the longer span wins, then a typed one, then
    the lexicon's. Names from runs never overlap one another, so only those a lexicon phrase
    touches need ranking."""
    if not lexicon:
        return sequence
    covered = bytearray(length)
    for c in lexicon:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    uncontested, contested = [], list(lexicon)
    for c in sequence:
        (contested if 1 in covered[c.start : c.end] else uncontested).append(c)
    taken = bytearray(length)
    ranked = sorted(contested, key=lambda c: (-(c.end - c.start), c.entity_type is None, not c.from_lexicon, c.start))
    for c in ranked:
        if 1 in taken[c.start : c.end]:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        uncontested.append(c)
    return sorted(uncontested, key=_START)


def _define_acronyms(folded: str, candidates: list[_Candidate]) -> None:
    """"Institute for Public Policy Research (IPPR)" makes IPPR an alias in this article."""
    expansions = {}
    for c in candidates:
        if c.entity_type == "ORG" and len(c.tokens) > 1:
            m = _ACRONYM_DEFINITION.match(folded, c.end)
            if m and _initials_match(c.tokens, m.group(1)):
                expansions[m.group(1)] = c.entity_name or c.surface
    for c in candidates:
        if len(c.tokens) == 1 and c.tokens[0] in expansions and not c.from_lexicon:
            c.entity_type, c.entity_name = "ORG", expansions[c.tokens[0]]


def _initials_match(tokens: list[str], acronym: str) -> bool:
    initials = "".join(t[0] for t in tokens if t[0].isupper())
    return acronym == initials or all(ch in initials for ch in acronym)


def _resolve_within_article(candidates: list[_Candidate]) -> None:
    """Surnames and first names to the nearest full name; unresolved single words are dropped."""
    singles = {c.tokens[0] for c in candidates if len(c.tokens) == 1 and not c.from_lexicon}
    for c in candidates:
        if c.typed_by_default and len(c.tokens) == 2 and c.tokens[-1] in singles:
            c.entity_type = "PERSON"  # referred to later by surname alone, as papers do with people
    people_by_token: dict[str, list[_Candidate]] = {}
    for p in candidates:
        if p.entity_type == "PERSON" and len(p.tokens) > 1:
            for token in {p.tokens[0], p.tokens[-1]}:
                people_by_token.setdefault(token, []).append(p)
    for c in candidates:
        if len(c.tokens) != 1 or c.from_lexicon:
            continue
        if c.entity_type not in (None, "PERSON") and not (c.entity_type == "PLACE" and not c.person_evidence):
            continue
        token = c.tokens[0]
        matches = people_by_token.get(token, [])
        if matches:
            before = [p for p in matches if p.start < c.start]
            names = {p.entity_name for p in matches}
            if before:
                c.entity_type, c.entity_name = "PERSON", max(before, key=lambda p: p.start).entity_name
            elif len(names) == 1:
                c.entity_type, c.entity_name = "PERSON", names.pop()
            else:
                c.entity_type = None  # ambiguous: leave unresolved rather than guess
            continue
        if (c.entity_type is None and c.person_evidence and not c.sentence_initial
                and not _DERIVED_SUFFIX.search(token) and token not in _NOT_SURNAMES):
            c.entity_type, c.entity_name = "PERSON", token
