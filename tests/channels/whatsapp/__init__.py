"""WhatsApp channel tests against the Cloud API emulator."""
