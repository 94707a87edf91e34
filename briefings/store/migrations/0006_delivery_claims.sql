-- Who is posting a delivery, and until when the claim holds: two bot processes on one archive
-- (a Slack bot and a Discord bot, or a standby) must not both post the same slot. A claim is
-- renewed as parts are posted and retried; an expired claim, or one whose process is gone, is taken over.
ALTER TABLE deliveries ADD COLUMN owner TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_until TEXT
