"""Staff accounts, roles and login for the consoles (editors, agents, supervisors, handlers, analysts)."""
