"""Named care coordinator, versioned care plan, case notes, recovery plan, discharge."""
