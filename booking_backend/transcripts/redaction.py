"""Redact personal data from patient messages before staff see them (issue 16: transcripts).

Presidio's analyzer does the finding, with pattern recognisers only and a `spacy.blank("en")`
pipeline saved to a folder: its default engine would try to download a trained model, which
cannot happen offline. What is found:

- phone numbers (Presidio's phonenumbers-based recogniser, GB numbering);
- e-mail addresses (a pattern of our own: Presidio's checks the domain with tldextract, which
  fetches the public-suffix list over the network);
- NHS numbers (Presidio's, with the modulus-11 check, so other ten-digit numbers stay);
- UK postcodes (Presidio's);
- dates with a year, and any date after "born" or "date of birth" (a pain score of 8/10 stays);
- names introduced as names ("my name is ...", "this is ... speaking", "my son Jack", "Dr Shah");
- street addresses ("14 Elm Road", "flat 2").

Each finding is replaced by its label in square brackets. Clinical words are never on the lists
these patterns look for, and the tests check that they stay.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import NhsRecognizer, PhoneRecognizer, UkPostcodeRecognizer

LABELS = {
    "UK_NHS": "[NHS NUMBER]", "PHONE_NUMBER": "[PHONE]", "EMAIL_ADDRESS": "[EMAIL]",
    "UK_POSTCODE": "[POSTCODE]", "DATE_OF_BIRTH": "[DATE]", "PERSON": "[NAME]", "STREET_ADDRESS": "[ADDRESS]",
}
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_RELATIONS = (r"(?:son|daughter|husband|wife|partner|mum|mom|mother|dad|father|brother|sister|baby|boy|"
              r"girl|child|kid|friend|nan|nana|gran|granny|grandad|grandma|grandpa|grandson|granddaughter|"
              r"uncle|aunt|auntie|niece|nephew|carer|neighbour|flatmate|client|boyfriend|girlfriend)")
# A capitalised word that is not a name, after a relation word ("my son Has a rash" typed in title case).
_NOT_NAMES = (r"(?!(?:Has|Had|Is|Was|Keeps|Can|Cant|Can't|Could|Who|And|But|Which|Feels|Felt|Got|Gets|"
              r"Hasn't|Isn't|Wasn't|The|A|An|Of|In|On|At|Too|Also|Just|Said|Says|Needs|Needed|Started|"
              r"Seems|Woke|Fell|Went|Came|I|He|She|They|It|Now|Today|Yesterday|Again)\b)")
_NOT_AFTER_CALL_ME = (r"(?!(?i:back|on|at|when|if|later|please|asap|tomorrow|today|tonight|a|an|the|after|"
                      r"before|again|anytime|any|now|soon|first|in|about|urgently|by|and|or|not)\b)")
_NAME = r"[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?"
_STREET_TYPES = (r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|crescent|court|ct|place|gardens|"
                 r"terrace|grove|way|mews|square|walk|row|rise|view|parade|hill)")
_NOT_ADDRESS_WORDS = (r"(?!(?:days?|weeks?|months?|years?|hours?|hrs?|minutes?|mins?|times?|tablets?|pills?|"
                      r"doses?|mg|ml|nights?|in|a|of|or|to|the)\b)")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: what kind, and where (character offsets)."""

    entity: str
    start: int
    end: int


class GroupPatternRecognizer(EntityRecognizer):  # type: ignore[misc]  # presidio is untyped
    """Regexes whose group `pii` is the personal data ("my son (?P<pii>Jack)"): only that part goes."""

    def __init__(self, entity: str, regexes: Iterable[str], flags: int = 0) -> None:
        self._regexes = [re.compile(regex, flags) for regex in regexes]
        super().__init__(supported_entities=[entity], name=f"{entity.lower()}_patterns")

    def load(self) -> None:
        """Nothing to load: the regexes are compiled in the constructor."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        return [RecognizerResult(entity, match.start("pii"), match.end("pii"), 0.9)
                for regex in self._regexes for match in regex.finditer(text) if match.group("pii")]


_ICASE = re.IGNORECASE | re.MULTILINE


def _recognisers() -> list[EntityRecognizer]:
    phones = GroupPatternRecognizer("PHONE_NUMBER", [
        # UK numbers as patients type them, including Ofcom's drama ranges that phonenumbers calls invalid.
        r"(?<![\d+])(?P<pii>(?:\+44\s?\(?0?\)?\s?|0044\s?|0)(?:\d[\s\-]?){8,9}\d)(?!\d)"])
    email = GroupPatternRecognizer("EMAIL_ADDRESS", [
        r"(?P<pii>\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+\b)"], _ICASE)
    dates = GroupPatternRecognizer("DATE_OF_BIRTH", [
        r"\b(?P<pii>(?:0?[1-9]|[12][0-9]|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)?\d{2})\b",
        r"\b(?P<pii>(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))\b",
        rf"\b(?P<pii>{_DAY}(?:\s+of)?\s+{_MONTHS}\.?,?\s+(?:19|20)\d{{2}})\b",
        rf"\b(?P<pii>{_MONTHS}\.?\s+{_DAY},?\s+(?:19|20)\d{{2}})\b",
        rf"\b(?:born|birthday is|birthday's|dob|d\.o\.b\.?|date of birth)[:\s]+(?:is\s+|on\s+)?(?:the\s+)?"
        rf"(?P<pii>{_DAY}(?:\s+of)?[\s/.\-]+(?:{_MONTHS}|\d{{1,2}})(?:[\s/.\-]+\d{{2,4}})?)\b",
    ], _ICASE)
    names = GroupPatternRecognizer("PERSON", [
        r"(?i:\bmy name is|\bmy names|\bmy name's|\bi'm called|\bi am called|\bcall me|\bname:)\s+"
        rf"{_NOT_AFTER_CALL_ME}(?P<pii>[A-Za-z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)",
        r"(?i:\bthis is|\bit's|\bits)\s+(?P<pii>[A-Za-z][a-z'\-]+(?:\s+[A-Za-z][a-z'\-]+)?)(?=\s+(?i:speaking|here)\b)",
        rf"\b(?i:my|our)\s+(?i:{_RELATIONS}),?\s+{_NOT_NAMES}(?P<pii>{_NAME})",
        r"\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Nurse)\.?\s+(?P<pii>[A-Z][a-z'\-]+)",
        r"(?i:\b(?:thanks|thank you|cheers|regards|from|love))[,!.]?\s+(?P<pii>[A-Z][a-z'\-]+)\s*[.!]?\s*$",
    ], re.MULTILINE)
    addresses = GroupPatternRecognizer("STREET_ADDRESS", [
        rf"\b(?P<pii>\d{{1,4}}[a-z]?,?\s+{_NOT_ADDRESS_WORDS}(?:[a-z'\-]+\s+){{1,3}}{_STREET_TYPES})\b",
        r"\b(?P<pii>(?:flat|apartment|apt|unit)\s+\d{1,4}[a-z]?)\b",
    ], _ICASE)
    return [PhoneRecognizer(supported_regions=("GB",)), phones, email, NhsRecognizer(),
            UkPostcodeRecognizer(), dates, names, addresses]


@lru_cache(maxsize=1)
def _analyzer() -> AnalyzerEngine:
    folder = Path(tempfile.gettempdir()) / "booking-backend-spacy-blank-en"
    if not (folder / "config.cfg").exists():
        spacy.blank("en").to_disk(folder)
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(folder)}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in _recognisers():
        registry.add_recognizer(recogniser)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def _merged(results: list[RecognizerResult]) -> list[Finding]:
    """Overlapping findings merged into one span, labelled by the longest of them."""
    merged: list[Finding] = []
    priority = list(LABELS)  # on a tie, the more specific label (an NHS number before a phone number)
    for result in sorted(results, key=lambda r: (r.start, -(r.end - r.start), priority.index(r.entity_type))):
        if merged and result.start < merged[-1].end:
            last = merged[-1]
            if result.end > last.end:
                merged[-1] = Finding(last.entity, last.start, result.end)
            continue
        merged.append(Finding(result.entity_type, result.start, result.end))
    return merged


def find(text: str) -> list[Finding]:
    """The personal data in `text`, in order, overlaps merged."""
    if not text.strip():
        return []
    results = _analyzer().analyze(text=text, language="en", entities=list(LABELS), score_threshold=0.0)
    return _merged(results)


def redact(text: str) -> str:
    """`text` with each piece of personal data replaced by its label ("[PHONE]", "[NAME]", ...)."""
    pieces: list[str] = []
    position = 0
    for finding in find(text):
        pieces.append(text[position:finding.start])
        pieces.append(LABELS[finding.entity])
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
