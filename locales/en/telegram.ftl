## Telegram: the command menu (setMyCommands) and the "share my number" button.
## Keep ids in step with ar/telegram.ftl.

tg-command-start = Start again
tg-command-menu = Main menu
tg-command-help = Help
tg-command-cancel = Cancel the current step
tg-command-lang = Change the language (العربية)
tg-share-contact = 📱 Share my mobile number
