"""Risk assessments and their items (001 §7, 000 §9) — built by the risk-assessment issue."""
