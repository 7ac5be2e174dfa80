"""The outbox every app sends email through. Part of the base layer: imports no app."""
