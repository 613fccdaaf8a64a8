"""`socialmon alerts`: list, acknowledge and send the alerts the rules raise."""

from __future__ import annotations
