"""Alert rules, their memory (dedup, resolve, acknowledge) and their delivery by e-mail and webhooks.

- `rules`: what each rule looks at (`spike` holds the negative-spike statistic, `watchlist`
  the accent- and case-insensitive matcher);
- `store`: the alerts' memory and the claims that make delivery exactly-once;
- `service.evaluate_alerts`: run the rules of some brands and record the findings;
- `delivery.send_alerts`: deliver what is unsent through `email` and `webhooks`,
  worded in the brand's language by `wording`.
"""

from socialmon.alerts.delivery import SendResult, send_alerts
from socialmon.alerts.service import BrandEvaluation, evaluate_alerts, reply_windows
from socialmon.alerts.store import AlertNotFound, StoredAlert, acknowledge, count_alerts, list_alerts

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
