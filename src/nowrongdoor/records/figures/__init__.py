"""The area's published figures kept between views: a cache of what the engine computed, with
disclosure control already applied. Never a person, never figures with control lifted."""
