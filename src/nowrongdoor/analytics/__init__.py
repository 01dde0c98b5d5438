"""Commissioner analytics: the extract, the synthetic nation, indicators and disclosure control.

The indicator and disclosure modules import no Django: they work on a Parquet extract folder
(see `tables.py`) so the same code runs on one area's records or a synthetic nation.
"""
