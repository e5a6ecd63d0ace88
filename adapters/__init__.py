"""Front ends: the command line, the terminal conversation, Slack and Discord."""
