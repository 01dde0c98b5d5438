"""Idempotency keys: one per rendered form or API request, kept with what its submit saved,
so the same submit sent again (a double click, the back button, a retry) saves nothing."""
