"""Booking backend: practitioners, sessions, slots, holds and appointments over HTTP."""
