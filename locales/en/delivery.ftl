# The outbox's alarm: sends keep failing (counts and error kinds only, no personal data).
delivery-alert = ⚠️ { $failures } messages failed to send in the last { $minutes } minutes. Reasons: { $reasons }. They will be retried automatically; see `python -m bot outbox status`.
