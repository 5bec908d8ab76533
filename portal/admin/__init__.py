"""/<lang>/admin/…: institutions, staff accounts, routing rules, a requester's data. Administrators only."""
