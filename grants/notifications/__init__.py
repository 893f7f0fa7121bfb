"""The outbox: notifications written with the change they announce, delivered after commit."""
