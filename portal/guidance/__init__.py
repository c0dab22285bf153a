"""Guidance that runs through every journey: step indicators, help pages, session warnings."""
