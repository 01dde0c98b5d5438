"""The system of record: Django models split by domain, and the audit trail.

Nothing clinical is overwritten: changes are new rows or versions. Every read and write
goes through a function in `nowrongdoor.services`, which also writes the audit event.
"""
