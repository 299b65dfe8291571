"""Ghimar Desk: the omnichannel beneficiary-service bot of Ghimar Youth Association."""
