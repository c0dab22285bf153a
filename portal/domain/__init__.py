"""The rules of the business as plain Python: no Flask, no database session."""
