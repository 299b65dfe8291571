"""Telegram channel tests (both drivers, both receiving modes, both databases)."""
