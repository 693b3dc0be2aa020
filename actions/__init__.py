"""The rasa_sdk action server: one action or form validator per module (`rasa run actions`)."""
