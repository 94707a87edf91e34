"""Everything that talks to Slack, Discord or the scheduler. The core (`briefings/`) knows none of it."""
