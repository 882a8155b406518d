"""Real-time message screening."""
