"""Organisations, their services (by setting) and the staff who work in them, with roles."""
