"""Candidate names in an article: capitalised runs split into names and trimmed, plus curated
lexicon phrases, with the evidence around each mention. Typing them is the classifier's job."""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

from etl.articles.paragraphs import Paragraph
from etl.mentions import gazetteer as gaz
from etl.mentions.rules import rules

_R = rules()
_UPPER = "A-ZÀ-ÖØ-Þ"
_AFTER_CAPITAL = rf"[^\W\d_]*(?:[.'][{_UPPER}][^\W\d_]*)*(?:-[{_UPPER}][^\W\d_]*)*"
_TOKEN = rf"[{_UPPER}]{_AFTER_CAPITAL}"
_CONNECTOR = rf"(?: (?:{_R.connector_pattern})){{1,2}}"  # joiners and name particles
# The first capital is matched before the look-behind, so the engine can skip to capitals.
_SEQUENCE = re.compile(
    rf"[{_UPPER}](?<![\w.][{_UPPER}]){_AFTER_CAPITAL}(?:(?:{_CONNECTOR})? {_TOKEN})*"
    r"(?:(?:(?<=Radio)|(?<=Channel)|(?<=News)) \d{1,2}(?![\d,.]?\d))?"  # "BBC Radio 4", "Channel 4"
)
_START = operator.attrgetter("start")
_EVENT_AFTER = re.compile(r"'s? (?:[A-Z][\w]+ )*(?:Day|Week|Month|Festival|Awards?|Cup|Prize)\b")
DERIVED_SUFFIX = re.compile(r"(?:ian|ians|ean|eans|ish|ese|ite|ites|ism|ist|ists|ness|ic|ics)$")
_DEMONYM = re.compile(r"(?:ian|ean|ish|ese|ic|man|woman)$")
ACRONYM = re.compile(rf"[{_UPPER}][{_UPPER}&]{{1,6}}s?")
_AFTER_CHARS = 120  # how far after a name its context is read
_WORD_BEFORE_CHARS = 200  # how far before a name the word before it is looked for
_WORD_RUN = re.compile(r"\S+")
_LOWER_WORD_NEXT = re.compile(r" [a-z]")
_NEXT_TOKEN = re.compile(r"(?:['’]s?)? *([\w'’-]+|[^\w\s])")


@dataclass(slots=True)
class Candidate:
    """One candidate mention and the evidence around it."""

    start: int
    end: int
    tokens: tuple[str, ...]
    paragraph_index: int
    sentence_initial: bool
    honorific: bool = False  # Mr, Lord, or a title such as Home Secretary written before the name
    # An honorific, a bio's opening name, or (once its context is read, see `read_evidence`)
    # "X said", "X, who", "X, the party's director".
    person_evidence: bool = False
    event_after: bool = False  # "X's Day", "X Awards" (once its context is read)
    noun_use: bool = True  # "the Tories' plan", not "Tory attacks"
    from_lexicon: bool = False
    entry: gaz.LexiconEntry | None = None  # the lexicon's entry for this name, if any
    entity_type: str | None = None
    entity_name: str | None = None

    @property
    def surface(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Scan:
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


def candidates(folded: str, paragraphs: Sequence[Paragraph]) -> list[Candidate]:
    """Non-overlapping candidates of an article (its matching form and paragraphs) in text order,
    lexicon entries already typed."""
    scan = Scan(folded, paragraphs, [p.start for p in paragraphs])
    return _longest_first(_sequence_candidates(scan), _lexicon_candidates(scan), len(folded))


def read_context(folded: str, c: Candidate) -> tuple[str, str]:
    """The word (or punctuation mark) just before and just after the candidate, lower-cased;
    "" at a paragraph's start or end."""
    end = c.start
    while end > 0 and folded[end - 1] == " ":
        end -= 1
    if end == 0 or folded[end - 1] == "\n":
        left = ""
    elif folded[end - 1].isalnum():
        # Looked for within a reach, not back to the line's start: once per name, that was
        # quadratic in the length of a line packed with names.
        reach = max(end - _WORD_BEFORE_CHARS, 0)
        start = max(folded.rfind(" ", reach, end), folded.rfind("\n", reach, end), reach - 1) + 1
        left = folded[start:end].lstrip("\"'([").lower()
    else:
        left = folded[end - 1]
    after = _NEXT_TOKEN.match(folded, c.end)
    return left, after.group(1).lower() if after else ""


def read_evidence(folded: str, c: Candidate) -> None:
    """Cues in the words after the name: reporting verbs and appositions of people, events."""
    window = c.end + _AFTER_CHARS  # matched in place rather than sliced
    c.person_evidence = c.person_evidence or _R.person_after.match(folded, c.end, window) is not None
    c.event_after = _EVENT_AFTER.match(folded, c.end, window) is not None


def _sequence_candidates(scan: Scan) -> list[Candidate]:
    """Names in capitalised runs; in text order and never overlapping one another."""
    out = []
    folded, starts, paragraphs = scan.folded, scan.starts, scan.paragraphs
    skipped = _R.skipped_words
    index, last = 0, len(starts) - 1  # runs come in text order: their paragraph only moves forward
    for m in _SEQUENCE.finditer(folded):
        word = m.group()
        if word in skipped:  # the commonest single capitalised words
            continue
        base = m.start()
        while index < last and starts[index + 1] <= base:
            index += 1
        initial = scan.opens_sentence(base, starts[index])
        para = paragraphs[index]
        quoted = initial and base > 0 and folded[base - 1] in "\"'("
        for rel_start, rel_end, tokens, honorific, sentence_initial, entry in names_in_run(word, initial, quoted):
            start, end = base + rel_start, base + rel_end
            cand = Candidate(start, end, tokens, index, sentence_initial, honorific, entry=entry)
            if entry is not None:
                cand.noun_use = noun_use(folded, end)
                if not entry.adjectival or cand.noun_use:
                    cand.entity_type, cand.entity_name = entry.entity_type, entry.canonical
            else:
                cand.person_evidence = honorific or (para.role == "bio" and start == para.start and len(tokens) > 1)
            out.append(cand)
    return out


@functools.lru_cache(maxsize=200_000)
def names_in_run(
    run: str,
    initial: bool,
    quoted: bool = False,
) -> tuple[tuple[int, int, tuple[str, ...], bool, bool, gaz.LexiconEntry | None], ...]:
    """(start, end, words, honorific or title seen, sentence-initial, lexicon entry) of each name
    in a capitalised run, after trimming; cached, since runs repeat. Only a name opening the
    run can open a sentence: the others follow a word of the run. A run opening a quotation
    (`quoted`) keeps a common first word: "the 'Blue Labour' project"."""
    names = []
    for start, end, tokens in _split_sequence(run):
        for piece_start, piece_end, piece, titled in _split_at_inner_title(start, end, tokens):
            opening = initial and piece_start == 0
            dropped, piece, honorific, sentence_initial, entry = _trim(piece, opening, quoted)
            if not piece or (sentence_initial and not quoted and entry is None and _ordinary_opening_word(piece)):
                continue
            names.append((piece_start + dropped, piece_end, piece, honorific or titled, sentence_initial, entry))
    return tuple(names)


def _split_at_inner_title(start: int, end: int, tokens: tuple[str, ...]):
    """(start, end, words, a title stood before) of the parts of a name: one with a title and a
    first name or peerage inside it is two ("Wales Secretary Peter Hain" -> "Wales", "Peter
    Hain"; "Tory Treasurer Lord Ashcroft" -> "Lord Ashcroft"); the title itself is dropped. A
    name the lexicon knows just before the first name is a name of its own ("Lib Dems David
    Laws" -> "Lib Dems", "David Laws")."""
    for i in range(1, len(tokens) - 1):
        if not (gaz.is_first_name(tokens[i]) or tokens[i] in _R.honorifics_kept):
            continue
        head = _title_start(tokens, i)
        known = None if head is not None else _known_name_start(tokens, i)
        if head is None and known is None:
            continue
        while head and (earlier := _title_start(tokens, head)) is not None:
            head = earlier
        name_start = start + sum(len(t) + 1 for t in tokens[:i])
        parts = [(name_start, end, tokens[i:], head is not None)]
        cut = head if head is not None else i
        if cut:
            parts.insert(0, (start, start + len(" ".join(tokens[:cut])), tokens[:cut], False))
        return parts
    return [(start, end, tokens, False)]


def _known_name_start(tokens: tuple[str, ...], i: int) -> int | None:
    """Where a name the lexicon knows, ending just before position `i`, starts, or None."""
    lexicon = gaz.lexicon()
    for j in range(max(i - gaz.longest_alias_words(), 0), i):
        if " ".join(tokens[j:i]) in lexicon:
            return j
    return None


def _title_start(tokens: tuple[str, ...], i: int) -> int | None:
    """Where a title or party adjective ending just before position `i` starts ("Secretary",
    "Liberal Democrat", "Tory"), or None."""
    if tokens[i - 1] in _R.person_titles:
        return i - 1
    lexicon = gaz.lexicon()
    # Only phrases as long as a lexicon alias: trying every start made a long run of names cubic.
    for j in range(max(i - gaz.longest_alias_words(), 0), i):
        entry = lexicon.get(" ".join(tokens[j:i]))
        if entry is not None and entry.adjectival:
            return j
    return None


def _is_connector(word: str) -> bool:
    """A lower-case word that may join the parts of an organisation or place name ("of", "and");
    name particles ("da", "van") and "&" are never split at."""
    return word in _R.connectors


def _split_sequence(run: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """(start, end, words) of the names in a capitalised run, offsets relative to the run:
    broken at stop words, before an honorific and after a regnal number; connectors ("of",
    "and") kept only inside organisation and known place names."""
    pieces: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in _WORD_RUN.finditer(run):
        word = m.group()
        if word in _R.stop_tokens:
            if current:
                pieces.append(current)
            current = []
            continue
        if word in _R.honorifics_dropped and current:  # "the BBC Mr Howard": a new name starts
            pieces.append(current)
            current = []
        current.append(m.span())
        if word in _R.roman_numerals and len(current) > 1:  # "Henry IV Part II": a regnal number ends a name
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    spans = []
    for piece in pieces:
        while piece and _is_edge_word(run[piece[-1][0] : piece[-1][1]]):  # joiners dangling at either end
            piece = piece[:-1]
        while piece and _is_edge_word(run[piece[0][0] : piece[0][1]]):
            piece = piece[1:]
        if not piece:
            continue
        words = [run[s:e] for s, e in piece]
        if any(_is_connector(w) for w in words) and not _joined_name(words):
            names: list[tuple[int, int]] = []
            for (s, e), w in zip(piece, words, strict=True):
                if _is_connector(w):
                    if names:
                        spans.append((names[0][0], names[-1][1]))
                    names = []
                else:
                    names.append((s, e))
            if names:
                spans.append((names[0][0], names[-1][1]))
        else:
            spans.append((piece[0][0], piece[-1][1]))
    return tuple((s, e, tuple(run[s:e].split(" "))) for s, e in spans)


def _is_edge_word(word: str) -> bool:
    return word[0].islower() or word == "&"


def _joined_name(words: list[str]) -> bool:
    """Whether words joined by "of"/"and" make one name: a known place or lexicon name, or an
    organisation ("Bank of England"), unless a person is named before the joiner ("Andreas
    Adriano of Latin Trade Magazine")."""
    name = " ".join(words)
    if name in gaz.lexicon() or name in gaz.place_tiers() or words[0] in _R.honorifics_kept:
        return True  # a known name, or a peer's territorial title ("Lord Irvine of Lairg")
    if not is_org_name(words):
        return False
    head = words[: next(i for i, w in enumerate(words) if _is_connector(w))]
    return is_org_name(head) or not gaz.is_first_name(head[0])


def is_org_name(words: Sequence[str]) -> bool:
    return any(w in _R.org_cues for w in words if w[0].isupper())


def _is_leading_modifier(word: str) -> bool:
    """A title, demonym or party adjective written before a name ("Tory Michael Howard",
    "Welshman Gareth Thomas", "Brazilian Ronaldo")."""
    if word in _R.person_titles:
        return True
    entry = gaz.lexicon().get(word)
    if entry is not None:
        return entry.adjectival
    return _DEMONYM.search(word) is not None and not gaz.is_first_name(word)


def _trim(
    tokens: tuple[str, ...], initial: bool, quoted: bool
) -> tuple[int, tuple[str, ...], bool, bool, gaz.LexiconEntry | None]:
    """(characters dropped, remaining tokens, honorific or title seen, still sentence-initial,
    the lexicon entry of what remains)."""
    honorific, dropped = False, 0
    while tokens and (
        tokens[0] in _R.leading_words
        or tokens[0] in _R.honorifics_dropped
        or tokens[0][0].islower()
        or (initial and not quoted and _common_word_opening(tokens))
    ):
        whole = gaz.as_written(" ".join(tokens))
        if len(tokens) > 1 and tokens[0][0].isupper() and gaz.place_tiers().get(whole) == 1:
            break  # "New York", "The Hague": the leading word belongs to a well-known place name
        honorific |= tokens[0] in _R.honorifics_dropped
        initial = False  # what follows is capitalised for being a name
        dropped += len(tokens[0]) + 1
        tokens = tokens[1:]
    whole = " ".join(tokens)
    if (
        len(tokens) > 1
        and _is_leading_modifier(tokens[0])
        and whole not in gaz.lexicon()
        and whole not in gaz.companies()
    ):  # "General Motors"
        titles = 0
        while len(tokens) > titles + 1 and _is_leading_modifier(tokens[titles]):
            titles += 1
        rest = tokens[titles:]
        titled = all(t in _R.person_titles for t in tokens[:titles])
        if gaz.is_first_name(rest[0]) or (
            len(rest) == 1 and titled and (_R.offices & set(tokens[:titles]) or rest[0] in gaz.surnames())
        ):
            dropped += sum(len(t) + 1 for t in tokens[:titles])
            tokens, initial = rest, False
            honorific = True
    if tokens and tokens[0] in _R.honorifics_kept and len(tokens) > 1:
        honorific = True
    return dropped, tokens, honorific, initial, gaz.lexicon().get(" ".join(tokens))


def _ordinary_opening_word(tokens: tuple[str, ...]) -> bool:
    """A lone common word opening a sentence ("Analysts", "According"), and no known name."""
    if len(tokens) != 1:
        return False
    word = tokens[0]
    known = gaz.as_written(word)
    return (
        word.lower() in gaz.common_words()
        and not gaz.is_first_name(known)
        and known not in gaz.surnames()
        and known not in gaz.place_tiers()
        and known not in gaz.companies()
    )


def _common_word_opening(tokens: tuple[str, ...]) -> bool:
    """A sentence opening with a common word capitalised for its position ("Called the Marlin
    Association", "Producer Aamir Khan"), unless the whole is a known name or what would remain
    is one common word too ("White House")."""
    if len(tokens) < 2:
        return False
    first = tokens[0]
    if first.lower() not in gaz.common_words() or gaz.is_first_name(first) or first in _R.honorifics_kept:
        return False
    whole = gaz.as_written(" ".join(tokens))
    if whole in gaz.lexicon() or whole in gaz.place_tiers() or whole in gaz.companies():
        return False
    return not (len(tokens) == 2 and tokens[1].lower() in gaz.common_words())


def noun_use(text: str, end: int) -> bool:
    """True for "the Tories' plan" or "the Tory." but not "Tory attacks" (`end`: the name's end)."""
    return text.startswith("'", end) or not _LOWER_WORD_NEXT.match(text, end)


def _lexicon_candidates(scan: Scan) -> list[Candidate]:
    out = []
    folded, aliases = scan.folded, gaz.lexicon_aliases()
    for pattern, start, end in gaz.lexicon_automaton().find_matches_as_indexes(folded, overlapping=True):
        if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
            continue
        alias = aliases[pattern]
        entry = gaz.lexicon()[alias]
        if entry.adjectival and not noun_use(folded, end):
            continue
        index, initial = scan.position(start)
        cand = Candidate(start, end, tuple(alias.split(" ")), index, initial, from_lexicon=True, entry=entry)
        cand.entity_type, cand.entity_name = entry.entity_type, entry.canonical
        out.append(cand)
    return out


def _longest_first(sequence: list[Candidate], lexicon: list[Candidate], length: int) -> list[Candidate]:
    """Non-overlapping candidates in text order: the longer span wins, then a typed one, then
    the lexicon's. Names from runs never overlap one another, so only those a lexicon phrase
    touches need ranking."""
    if not lexicon:
        return sequence
    covered = bytearray(length)
    for c in lexicon:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    uncontested: list[Candidate] = []
    contested = list(lexicon)
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
