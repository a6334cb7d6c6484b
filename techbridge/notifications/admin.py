"""Notifications are personal; the admin shows none of them."""
