import MusterStorage

extension Outbox {
    /// The outbox schema, one migration per version.
    ///
    /// `outbox` holds one row per outbound call, written before the call is tried; `idempotency_key` is
    /// unique so enqueueing twice is a no-op. Times are seconds since 1970. `slack_roots` remembers the
    /// root message of each incident so edits and thread replies find it after a restart.
    static let migrator = Migrator([
        Migration(
            version: 1,
            sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('slack.post', 'slack.update', 'slack.thread',
                        'slack.crosspost', 'pagerduty.note', 'pagerduty.merge')),
                    payload TEXT NOT NULL,
                    depends_on TEXT,
                    supersede_group TEXT,
                    status TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'skipped', 'failed-permanent')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    next_attempt_at REAL NOT NULL,
                    sent_at REAL,
                    last_error TEXT,
                    result TEXT
                );
                CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
                CREATE INDEX outbox_group ON outbox (supersede_group, status) WHERE supersede_group IS NOT NULL;
                CREATE TABLE slack_roots (
                    incident TEXT PRIMARY KEY,
                    channel TEXT NOT NULL,
                    ts TEXT NOT NULL,
                    posted_at REAL NOT NULL
                );
                """)
    ])
}
