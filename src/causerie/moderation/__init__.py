"""Moderation: reports, cases, moderator accounts, decisions and the audit chain (docs/moderation.md)."""
