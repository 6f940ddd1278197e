"""Write staged articles and mentions into the DuckDB star schema.

All SQL lives in `sql/*.sql` beside this package. Batches arrive as Arrow tables registered on
the connection, so no value from a file is ever formatted into SQL. A load is one
transaction into a private working copy of the warehouse, which replaces the published
file only once the integrity rules pass on it: a load is published whole or not at all.

Modules: `publishing` (the load of one batch), `schema` (DDL, views and their versions),
`integrity` (the rules of integrity.sql), `catalog` (what the published warehouse holds),
`connection` (connections, read-write holders, private snapshots) and `sql_files`.
"""
