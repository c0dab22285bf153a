"""Alembic migrations, shipped inside the package so an installed portal can upgrade its database."""
