"""Business cases and their approval workflow (000 §6–8, 001 §19) — built by the business-case issue."""
