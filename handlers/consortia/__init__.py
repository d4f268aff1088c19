"""/consortium: build a Horizon Europe consortium from the people met at the event."""
