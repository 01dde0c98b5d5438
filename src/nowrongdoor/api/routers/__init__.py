"""One router per domain; each handler calls one use case in `services/`."""
