"""Places: parse a `near` value and measure distances between coordinates."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"^\s*([A-Za-z]{1,2}\d[A-Za-z\d]?)(?:\s*(\d[A-Za-z]{2}))?\s*$")


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PostcodeQuery:
    """A full postcode ("LS1 4AP") or just its outward code ("LS1"), upper case."""

    outward: str
    inward: str | None

    def matches(self, postcode: str) -> bool:
        compact = postcode.replace(" ", "").upper()
        if self.inward is not None:
            return compact == self.outward + self.inward
        return compact[:-3] == self.outward


def parse_near(value: str) -> GeoPoint | PostcodeQuery:
    """`near` is "latitude,longitude" or a UK postcode (full or outward code)."""
    if match := _LAT_LON.match(value):
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("near: latitude must be within -90..90 and longitude within -180..180")
        return GeoPoint(lat, lon)
    if match := _POSTCODE.match(value):
        return PostcodeQuery(match[1].upper(), match[2].upper() if match[2] else None)
    raise ValueError("near must be 'latitude,longitude' (e.g. 53.80,-1.55) or a UK postcode (e.g. LS1 4AP)")


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
