"""Outcome measures: TOP, and NHS Talking Therapies courses with session measures."""
