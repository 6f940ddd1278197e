-- A table without rows as one Parquet file of its columns, so its view keeps its columns.
COPY (FROM query_table($table) LIMIT 0) TO $path (FORMAT parquet);
