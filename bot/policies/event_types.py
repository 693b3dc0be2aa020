"""Rasa finds an event's class by walking every Event subclass, for every event it reads; this remembers.

`Event.resolve_by_type` lists all (imported) subclasses of Event and scans them for the type name,
each time a stored or received event is turned back into an object: 7% of the Rasa process's CPU in
`make bench-bot`, where a tracker of a few hundred events is read back on every message. The class
Rasa finds for a name is kept; unknown names still go through Rasa's own lookup (and its error).

Importing `bot.policies` (Rasa does, to load the red-flag policy) installs it.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_rasa_resolve = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """The Event class for `type_name`, as Rasa's lookup gives it."""
    known = _found.get(type_name)
    if known is not None:
        return known
    try:
        found: type[Event] | None = _rasa_resolve(type_name)
    except ValueError:
        if default is not None:
            return default
        raise
    if found is not None:
        _found[type_name] = found
    return found


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
