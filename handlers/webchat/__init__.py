"""The website channel (`web`): a chat page at /chat/ and a one-line embeddable widget.

The browser posts what the visitor types, presses or attaches; the engine's replies go through
the outbox like on every channel, and the sender appends them to the visitor's chat log, which
open pages read as server-sent events (each event's id is its log id, so a reconnection with
`Last-Event-ID` resumes exactly where it stopped). The visitor is an opaque random id in an
HttpOnly cookie.
"""
