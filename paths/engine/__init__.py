"""The maths of personalisation: plain Python, NumPy and scikit-learn, no Django.

Selectors feed these functions arrays; services persist what they return.
"""
