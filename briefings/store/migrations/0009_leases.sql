-- Named leases: one live process at a time holds each (the scheduler leader of a platform). A holder
-- renews its lease well before `held_until`; a lapsed lease, or one whose process is known gone, is taken.
-- (IF NOT EXISTS: an archive rewound to an older version by hand keeps its leases table.)
CREATE TABLE IF NOT EXISTS leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    held_until TEXT NOT NULL,
    since      TEXT NOT NULL
)
