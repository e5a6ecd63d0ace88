"""The conversation: a declared state machine over plain data."""
