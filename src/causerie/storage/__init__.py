"""Storage: one store per concern over SQLAlchemy Core; dialect differences live in `database.py`."""
