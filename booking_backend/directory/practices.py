"""Finding practices (organisations) by name or by postcode, best match first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from booking_backend.directory.models import Location, Organisation
from booking_backend.errors import InvalidRequest
from booking_backend.geo import PostcodeQuery, parse_near

MIN_WORD_LENGTH = 3
# Words most practice names share; a patient may say them or not ("Park Lane", "the Park Lane surgery").
GENERIC_WORDS = frozenset({
    "the", "and", "of", "surgery", "practice", "medical", "centre", "center", "health", "healthcare",
})
_WORD = re.compile(r"\w+")
EMPTY_QUERY = "q must give a practice's name (e.g. Park Lane) or a postcode (e.g. LS1 4AP or LS1)"


@dataclass(frozen=True)
class _Match:
    rank: int  # 0 is the best
    organisation: Organisation


def significant_words(text: str) -> list[str]:
    """The words of `text` that tell practices apart: case-folded, 3+ letters, not generic."""
    return [w for w in _WORD.findall(text.casefold()) if len(w) >= MIN_WORD_LENGTH and w not in GENERIC_WORDS]


def find_practices(session: Session, *, q: str, limit: int) -> list[Organisation]:
    """Practices whose name has every significant word of `q`, or whose postcode `q` is (or its outward code)."""
    text = q.strip()
    if not text:
        raise InvalidRequest(EMPTY_QUERY)
    try:
        parsed = parse_near(text)
    except ValueError:
        parsed = None
    matches = _by_postcode(session, parsed) if isinstance(parsed, PostcodeQuery) else _by_name(session, text)
    matches.sort(key=lambda m: (m.rank, m.organisation.name.casefold(), m.organisation.id))
    return [m.organisation for m in matches[:limit]]


def _by_name(session: Session, text: str) -> list[_Match]:
    wanted = significant_words(text)
    if not wanted:
        return []
    stmt = select(Organisation)
    # Narrow in SQL by the longest word; the exact rule is applied below. LIKE folds ASCII case only
    # (SQLite), so a word with other letters is left to Python.
    longest = max(wanted, key=len)
    if longest.isascii():
        stmt = stmt.where(func.lower(Organisation.name).contains(longest, autoescape=True))
    phrase = " ".join(wanted)
    found = []
    for organisation in session.scalars(stmt):
        name_words = significant_words(organisation.name)
        if not all(any(word.startswith(w) for word in name_words) for w in wanted):
            continue
        if " ".join(name_words) == phrase:
            rank = 0  # the name itself, give or take "the ... surgery"
        elif all(w in name_words for w in wanted):
            rank = 1  # whole words
        else:
            rank = 2  # the start of words ("chap" for "Chapel")
        found.append(_Match(rank, organisation))
    return found


def _compact(column: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[str]:
    """A postcode in upper case without spaces, as PostcodeQuery.matches compares them."""
    return func.upper(func.replace(column, " ", ""))


def _by_postcode(session: Session, query: PostcodeQuery) -> list[_Match]:
    """The practice's own postcode or one of its sites'; for a full postcode, exact ones first, then the district's.

    Narrowed in SQL to postcodes that start with the outward code; the exact rule is applied below.
    """
    sites: dict[int, list[str]] = {}
    site_rows = select(Location.organisation_id, Location.postcode).where(
        _compact(Location.postcode).startswith(query.outward, autoescape=True))
    for organisation_id, postcode in session.execute(site_rows):
        sites.setdefault(organisation_id, []).append(postcode)
    stmt = select(Organisation).where(or_(
        _compact(Organisation.postcode).startswith(query.outward, autoescape=True),
        Organisation.id.in_(list(sites)),
    ))
    district = PostcodeQuery(query.outward, None)
    found = []
    for organisation in session.scalars(stmt):
        postcodes = [organisation.postcode, *sites.get(organisation.id, [])]
        if query.inward is not None and any(query.matches(p) for p in postcodes):
            found.append(_Match(0, organisation))
        elif any(district.matches(p) for p in postcodes):
            found.append(_Match(0 if query.inward is None else 1, organisation))
    return found
