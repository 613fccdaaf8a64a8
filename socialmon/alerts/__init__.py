"""Alert rules, their memory (dedup, resolve, acknowledge) and their delivery by e-mail and webhooks."""
