"""Screenings and assessments, exactly as the pure core produced them, never recomputed."""
