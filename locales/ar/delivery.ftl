# The outbox's alarm: sends keep failing (counts and error kinds only, no personal data).
delivery-alert = ⚠️ تعذّر إرسال { $failures } رسالة خلال آخر { $minutes } دقيقة. الأسباب: { $reasons }. ستُعاد المحاولة تلقائياً؛ راجعوا `python -m bot outbox status`.
