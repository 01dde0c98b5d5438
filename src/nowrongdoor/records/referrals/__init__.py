"""Referrals between services, with consent, and declines only with an alternative route."""
