"""`python -m bot doctor`: checks a deployment end to end and says what to do about each failure.

`diagnose` runs every check in order; `report` holds the result type and the table; `local` the
checks of this machine (configuration, database, key, permissions, disk); `platforms` the live
checks of Telegram and WhatsApp and the clock skew measured against their answers.
"""
