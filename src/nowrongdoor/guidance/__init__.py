"""The pure core: instruments, scoring, and (later) the pathway rules.

No framework, no database, no clock: everything here is a function of its inputs and of
the data files shipped beside it, so it can be tested in milliseconds and reused by the
web app, the API and the command line alike.
"""
