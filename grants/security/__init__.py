"""Who may do what: route policies, object-level predicates, passwords, signed tokens, headers."""
