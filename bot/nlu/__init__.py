"""NLU building blocks for the assistant (pure spaCy; Rasa adapters live beside them)."""
