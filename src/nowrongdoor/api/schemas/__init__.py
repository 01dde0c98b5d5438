"""API models named by role (`PersonCreate`, `PersonPublic`...), one module per domain."""
