-- The views an export writes, with their documentation: every view of the warehouse's main schema,
-- column by column in order (the table macros take arguments, so they are not exported).
SELECT v.view_name, v.comment AS view_comment, c.column_name, c.data_type, c.comment AS column_comment
FROM duckdb_views() v
JOIN duckdb_columns() c
    ON c.database_name = v.database_name AND c.schema_name = v.schema_name AND c.table_name = v.view_name
WHERE v.database_name = current_database() AND v.schema_name = 'main' AND NOT v.internal AND NOT v.temporary
ORDER BY v.view_name, c.column_index;
