"""Custom Rasa dialogue policies."""
