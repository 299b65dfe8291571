"""Delivery of the outbox: channel senders, rate limits, retries."""
