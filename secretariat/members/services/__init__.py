"""Every write to the member registry, one module per part: atomic, permission-checked,
validated and audited (core.audit.save_audited). `registry` (institutions, memberships,
representatives), `requests`, `corrections`, `accounts`, `standing`, `imports`."""
