"""The audit trail: append-only, hash-chained, refused UPDATE and DELETE by the database."""
