-- The partitions $changed of one published table, as Parquet files under $folder, one folder per
-- partition (lake_bucket=<n>/); the partition number is in the folder name only.
COPY (
    SELECT *, (t[$key] % $buckets + $buckets) % $buckets AS lake_bucket
    FROM query_table($table) t
    WHERE lake_bucket IN (SELECT unnest($changed))
) TO $folder (FORMAT parquet, PARTITION_BY (lake_bucket), FILENAME_PATTERN 'part');
