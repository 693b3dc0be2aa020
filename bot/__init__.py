"""The triage-and-booking assistant."""
