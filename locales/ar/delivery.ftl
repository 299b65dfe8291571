# The outbox's alarm: sends keep failing (counts and error kinds only, no personal data).
delivery-alert = ⚠️ فشلت { $failures } محاولة إرسال لـ { $messages } رسالة خلال آخر { $minutes } دقيقة. الأسباب: { $reasons }. الرسائل التي تنتظر المنصة تُعاد محاولتها تلقائياً؛ أما التي تعذّر إرسالها نهائياً فتظهر في `python -m bot outbox status` وتُرسل من جديد بـ `python -m bot outbox retry --failed`.
