"""The WhatsApp Cloud API channel: signed webhook in, Graph API out, the 24-hour window rule."""
