-- The Spark engine's statement shims: the few statement forms of the shared
-- step files (sql/batch, state, marts, audits, tests) that Spark SQL / Delta
-- lack, each with the Spark statement that does the same. Applied by
-- pipeline/engine/spark/renderSparkSql.ts to every statement of a step before
-- Spark runs it; a statement no shim matches runs as written (after
-- getvariable('name') -> system.session.name). A statement that still holds a
-- DuckDB-only construct afterwards is an error naming the file and statement.
--
-- Format: blocks of
--     -- shim: <name>
--     <DuckDB statement pattern>
--     -- becomes:
--     <Spark statement>
-- Other `--` lines are comments. A pattern matches a WHOLE statement (comments
-- removed, trailing `;` ignored): keywords case-insensitively, any run of
-- blanks as any run of blanks (none needed next to `(`, `)`, `,`, `.`, `=`).
-- Placeholders:
--     {name}     one identifier (letters, digits, _; or "double quoted")
--     {name...}  any text with balanced parentheses and quotes
-- and the replacement receives them as written. A pattern must leave no
-- choice: the statement is matched with the text placeholders shortest first
-- and longest first, and when the two differ, or two shims match, the
-- statement is refused (ambiguous). Scratch tables (DuckDB TEMP TABLE) become
-- Delta tables in the lake's database, whose location the engine sets to
-- <lake>/_scratch; they are not part of the result and are replaced by the
-- next run.

-- shim: temp_table_as
CREATE OR REPLACE TEMP TABLE {name} AS {query...}
-- becomes:
CREATE OR REPLACE TABLE {name} USING delta AS {query...}

-- shim: temp_table_columns
CREATE OR REPLACE TEMP TABLE {name} ({columns...})
-- becomes:
CREATE OR REPLACE TABLE {name} ({columns...}) USING delta

-- shim: temp_view
CREATE OR REPLACE TEMP VIEW {name} AS {query...}
-- becomes:
CREATE OR REPLACE TEMPORARY VIEW {name} AS {query...}

-- Delta: "Subqueries are not supported in the DELETE". An unconditional
-- WHEN MATCHED THEN DELETE allows several source rows per target row, and a
-- NULL never matches (as with IN).
-- shim: delete_in_subquery
DELETE FROM {table} WHERE {column} IN (SELECT {key} FROM {source...})
-- becomes:
MERGE INTO {table} USING (SELECT {key} AS shim_key FROM {source...}) shim_source
ON {table}.{column} = shim_source.shim_key
WHEN MATCHED THEN DELETE

-- NOT IN deletes nothing when the subquery yields a NULL, and keeps a row whose
-- column is NULL; this MERGE does not: only for NOT NULL columns and keys
-- (the steps use it for file ids).
-- shim: delete_not_in_subquery
DELETE FROM {table} WHERE {column} NOT IN (SELECT {key} FROM {source...})
-- becomes:
MERGE INTO {table} USING (SELECT {key} AS shim_key FROM {source...}) shim_source
ON {table}.{column} = shim_source.shim_key
WHEN NOT MATCHED BY SOURCE THEN DELETE

-- shim: delete_using
DELETE FROM {table} {alias} USING {source} {source_alias} WHERE {condition...}
-- becomes:
MERGE INTO {table} {alias} USING {source} {source_alias}
ON {condition...}
WHEN MATCHED THEN DELETE

-- shim: delete_exists
DELETE FROM {table} {alias} WHERE EXISTS (SELECT 1 FROM {source} {source_alias} WHERE {condition...})
-- becomes:
MERGE INTO {table} {alias} USING {source} {source_alias}
ON {condition...}
WHEN MATCHED THEN DELETE

-- Spark spells a session variable's assignment SET VAR (the variable is declared
-- at session start: pipeline/engine/spark/sparkRunVariables.ts).
-- shim: set_variable
SET VARIABLE {name} = {value...}
-- becomes:
SET VAR {name} = {value...}
