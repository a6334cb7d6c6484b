"""Brokerage pages (thin: selectors to read, services to write)."""
