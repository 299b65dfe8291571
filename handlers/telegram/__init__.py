"""The Telegram channel: one adapter, two drivers (aiogram 3 by default, python-telegram-bot 22).

`app.channels.telegram` builds it for `python -m bot run`. The drivers only talk to the Bot
API; normalising updates (`normalize`), rendering messages (`render`), sending (`sender`) and
handling updates (`updates`) are shared, so both behave the same.
"""
