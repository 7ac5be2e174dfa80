"""Shared helpers at the bottom of the layers: no app imports them from above, they import no app."""
