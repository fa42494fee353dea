"""Models of the personalisation engine; each area has its own module."""
