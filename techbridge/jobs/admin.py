"""Jobs are managed on /jobs/ (audited re-runs); the Django admin shows none of them."""
