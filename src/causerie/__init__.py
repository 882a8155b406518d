"""Causerie: a no-signup, pseudonymous, local chat with safety designed in."""

__version__ = "0.1.0"
