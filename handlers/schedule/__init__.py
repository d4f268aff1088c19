"""The organisers' schedule builder in the chat."""
