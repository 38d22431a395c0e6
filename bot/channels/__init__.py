"""Channels: the web chat page and Slack, and how each renders a bot message."""
