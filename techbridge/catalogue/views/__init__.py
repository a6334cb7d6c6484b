"""Catalogue pages (thin: parse the request, call a selector or service, render)."""
