"""Fakes of Slack and Discord served on 127.0.0.1: the network boundary the real SDKs talk to."""
