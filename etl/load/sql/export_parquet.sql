-- One view to a Parquet file, its column types kept; gives the number of rows written.
COPY (FROM query_table($view)) TO $path (FORMAT parquet);
