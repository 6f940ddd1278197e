-- One view to a CSV file with a header line (UTF-8, comma-separated); gives the number of rows written.
COPY (FROM query_table($view)) TO $path (FORMAT csv, HEADER);
