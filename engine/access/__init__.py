"""Who may do what: users, API tokens and the access rules."""
