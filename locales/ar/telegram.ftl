## Telegram: the command menu (setMyCommands) and the "share my number" button.
## Keep ids in step with en/telegram.ftl.

tg-command-start = ابدأ من جديد
tg-command-menu = القائمة الرئيسية
tg-command-help = المساعدة
tg-command-cancel = إلغاء الخطوة الحالية
tg-command-lang = تغيير اللغة (English)
tg-share-contact = 📱 مشاركة رقم جوالي
