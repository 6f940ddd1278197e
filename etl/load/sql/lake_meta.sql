-- What a views file records of its snapshot: the partitions it reads, so the next snapshot links
-- the unchanged ones, and the rows of every table, so a reader can check it sees them all.
CREATE TABLE lake_partitions (
    table_name  VARCHAR NOT NULL,
    bucket      INTEGER NOT NULL,
    rows        BIGINT NOT NULL,
    fingerprint VARCHAR NOT NULL,
    PRIMARY KEY (table_name, bucket)
);
COMMENT ON TABLE lake_partitions IS 'Lake snapshot: one row per Parquet partition of a table, with its rows and content fingerprint.';
CREATE TABLE lake_snapshot (
    snapshot     INTEGER NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE lake_snapshot IS 'Lake snapshot: its number (snapshots/<number>/ beside the views file) and when it was published.';
