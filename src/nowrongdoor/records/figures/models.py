from __future__ import annotations

from django.db import models


class KeptFigures(models.Model):
    """One scope's published figures (suppressed and rounded), kept with the data version
    they were computed at (services/figure_cache.py): read back only while the version is
    still the current one and they are under a day old, so a change to the records is never
    hidden behind them. One row per scope, replaced when recomputed."""

    period_start = models.DateField()
    period_end = models.DateField()
    area = models.CharField(max_length=200, blank=True)  # an organisation's name; "" all
    national = models.BooleanField(default=False)
    quarterly = models.BooleanField(default=False)  # the headline indicators by quarter too
    version = models.CharField(max_length=200)
    computed_at = models.DateTimeField()
    seconds = models.FloatField()  # how long computing them took
    figures = models.JSONField()  # the Publication(s) as plain JSON: no pickle
    drawings = models.JSONField(default=dict, blank=True)  # the dashboard's charts (SVG)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "area", "national", "quarterly"],
                name="one_kept_figures_per_scope",
            )
        ]
