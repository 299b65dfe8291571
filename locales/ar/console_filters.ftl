# عوامل تصفية القوائم في لوحة الموظفين التي لم تُفهم (web/filters.py).
filters-not-understood = لم نفهم بعض عوامل التصفية فتُركت: { $fields }. يُكتب التاريخ هكذا 2026-11-30 (والبداية قبل النهاية أو يومها، والسنوات من 2000 إلى 2199)، وعدد الأيام رقم صحيح.
filters-list-separator = {"، "}
filters-field-from = تاريخ البداية
filters-field-until = تاريخ النهاية
filters-field-waiting = أيام الانتظار
