"""The one error delivery raises."""


class DeliveryError(Exception):
    """A destination did not accept a message; the message says which and why (never a secret)."""
