"""The staff web console under /staff/: sign-in, the requests list, a request and its actions."""

from web.app import register

__all__ = ["register"]
