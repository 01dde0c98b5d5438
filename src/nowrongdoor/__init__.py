"""nowrongdoor: software for the "no wrong door" system of care.

People with co-occurring mental health and alcohol/drug use conditions are screened,
assessed against cited pathway rules, and supported by one named care coordinator,
whatever service they first walk into.
"""

__version__ = "0.1.0"
