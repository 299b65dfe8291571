"""The composition root: builds the core, the flows, the channels, the desk and the scheduler.

Nothing else imports this package (`bot/__main__.py` hands the command line over to it).
"""
