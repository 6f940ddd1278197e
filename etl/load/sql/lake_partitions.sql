-- Rows and a content fingerprint of every partition of one published table (rows fall into
-- $buckets partitions by their key $key): a partition whose fingerprint is the previous snapshot's
-- is linked from there instead of written again. The fingerprint ignores row order.
SELECT (t[$key] % $buckets + $buckets) % $buckets AS bucket,
       count(*) AS rows,
       sum(hash(t)::HUGEINT)::VARCHAR AS fingerprint
FROM query_table($table) t
GROUP BY ALL
ORDER BY bucket;
