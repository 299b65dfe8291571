"""The scheduler: due rows in the database, turned into outbox messages by APScheduler jobs."""
