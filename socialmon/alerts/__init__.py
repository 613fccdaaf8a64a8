"""Alert rules, their memory (dedup, resolve, acknowledge) and their delivery by e-mail and webhooks.

- `rules`: what each rule looks at (`spike` holds the negative-spike statistic, `watchlist`
  the accent- and case-insensitive matcher);
- `store`: the alerts' memory and the claims that make delivery exactly-once;
- `service.evaluate_alerts`: run the rules of some brands and record the findings;
- `delivery.send_alerts`: deliver what is unsent through `email` and `webhooks`,
  worded in the brand's language by `wording`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialmon.alerts.delivery import SendResult, send_alerts
    from socialmon.alerts.service import BrandEvaluation, evaluate_alerts, reply_windows
    from socialmon.alerts.store import AlertNotFound, StoredAlert, acknowledge, count_alerts, list_alerts

# Each name is imported from its module when first used: a scan runs the rules but never delivers,
# and delivery (e-mail, webhooks, templates) took a tenth of a second to import.
_WHERE = {
    "SendResult": "delivery",
    "send_alerts": "delivery",
    "BrandEvaluation": "service",
    "evaluate_alerts": "service",
    "reply_windows": "service",
    "AlertNotFound": "store",
    "StoredAlert": "store",
    "acknowledge": "store",
    "count_alerts": "store",
    "list_alerts": "store",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"socialmon.alerts.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'socialmon.alerts' has no attribute {name!r}")


__all__ = [
    "AlertNotFound",
    "BrandEvaluation",
    "SendResult",
    "StoredAlert",
    "acknowledge",
    "count_alerts",
    "evaluate_alerts",
    "list_alerts",
    "reply_windows",
    "send_alerts",
]
