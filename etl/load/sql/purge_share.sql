-- Before a purging load: how many of the warehouse's files it would drop (those deleted from the
-- landing folder, now or in an earlier load, and not back in this batch), and how many it holds.
-- Inputs as for publish.sql: batch_files(source_file, ...), batch_deleted(source_file).
SELECT
    count(*) FILTER (WHERE (status = 'deleted' OR source_file IN (SELECT source_file FROM batch_deleted))
                     AND source_file NOT IN (SELECT source_file FROM batch_files)) AS purged,
    count(*) AS files
FROM dim_source_file;
