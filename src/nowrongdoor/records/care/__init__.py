"""Episodes of care at a service, and consent to share with other services."""
