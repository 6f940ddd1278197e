-- One load: replaces the rows of every file in the batch and marks deleted files.
-- Runs inside a single transaction opened by the loader. Inputs are relations the
-- loader registers (never values formatted into SQL):
--   batch_files(source_file, sha256, size_bytes, encoding, repair, status, reason,
--               articles_file, mentions_file, quotes_file, signatures_file)  from Arrow
--   staged_articles(sha256, article_index, article_id, title, standfirst, byline, captions,
--                   body, text, published_date, word_count, char_start, char_end, ...)  staged Parquet
--   staged_mentions(sha256, article_index, char_start, char_end, surface, entity_name,
--                   entity_type, paragraph_index, paragraph_role, sentence_index, sentence_start,
--                   sentence_end, in_quote)  staged Parquet
--   staged_quotes(sha256, article_index, char_start, char_end, paragraph_index, quote_text, word_count,
--                 is_fragment, speaker_name, speaker_type, cue, rule, verb)  staged Parquet
--   staged_signatures(sha256, article_index, minhash)  staged Parquet
--   batch_deleted(source_file), batch_meta(extractor_version, quotes_version, pipeline_version, purge_deleted)  from Arrow

-- Keys: the first eight bytes of an MD5, read little-endian, halved to fit BIGINT (what
-- md5_number_upper gives, but masked from md5_number, which DuckDB computes about 4x faster).
CREATE OR REPLACE TEMP MACRO stable_key(kind, natural_key) AS
    ((md5_number(kind || chr(31) || natural_key) & 18446744073709551615::UHUGEINT) >> 1)::BIGINT;
CREATE OR REPLACE TEMP MACRO entity_key_of(entity_type, entity_name) AS
    stable_key('entity', entity_type || chr(31) || entity_name);
CREATE OR REPLACE TEMP MACRO date_key_of(d) AS
    coalesce(year(d) * 10000 + month(d) * 100 + day(d), 0)::INTEGER;

-- Staged rows are per file version (sha256), read from the staged file its outcome names (a
-- version staged twice is read once); a version dropped under two names counts for both.
CREATE OR REPLACE TEMP VIEW batch_articles AS
SELECT f.source_file, a.* EXCLUDE (filename)
FROM staged_articles a
JOIN batch_files f ON f.sha256 = a.sha256 AND f.articles_file = parse_filename(a.filename);
-- The narrow columns of every article occurrence, its text and keys hashed once (not once per mention).
CREATE OR REPLACE TEMP TABLE batch_article_keys AS
SELECT *, stable_key('file', source_file) AS source_file_key, stable_key('article', text_hash) AS article_key,
       date_key_of(published_date) AS date_key
FROM (
    SELECT source_file, article_index, sha256(text) AS text_hash, published_date, char_start, char_end, word_count
    FROM batch_articles
);
CREATE OR REPLACE TEMP VIEW batch_mentions AS
SELECT f.source_file, m.* EXCLUDE (filename)
FROM staged_mentions m
JOIN batch_files f ON f.sha256 = m.sha256 AND f.mentions_file = parse_filename(m.filename);

CREATE OR REPLACE TEMP VIEW batch_quotes AS
SELECT f.source_file, q.* EXCLUDE (filename)
FROM staged_quotes q
JOIN batch_files f ON f.sha256 = q.sha256 AND f.quotes_file = parse_filename(q.filename);

CREATE OR REPLACE TEMP VIEW batch_signatures AS
SELECT f.source_file, s.* EXCLUDE (filename)
FROM staged_signatures s
JOIN batch_files f ON f.sha256 = s.sha256 AND f.signatures_file = parse_filename(s.filename);

-- 1. Forget what the batch's files held before.
DELETE FROM fact_quote WHERE source_file_key IN (SELECT stable_key('file', source_file) FROM batch_files);
DELETE FROM fact_mention WHERE source_file_key IN (SELECT stable_key('file', source_file) FROM batch_files);
DELETE FROM fact_article WHERE source_file_key IN (SELECT stable_key('file', source_file) FROM batch_files);

-- 2. Source files: new ones inserted, changed ones updated, deleted ones marked.
INSERT INTO dim_source_file
SELECT stable_key('file', source_file), source_file, sha256, size_bytes, encoding, repair, status, reason,
       (SELECT pipeline_version FROM batch_meta), current_timestamp, current_timestamp
FROM batch_files
ON CONFLICT (source_file_key) DO UPDATE SET
    sha256 = excluded.sha256, size_bytes = excluded.size_bytes, encoding = excluded.encoding, repair = excluded.repair,
    status = excluded.status, reason = excluded.reason, pipeline_version = excluded.pipeline_version,
    last_loaded_at = excluded.last_loaded_at;
UPDATE dim_source_file SET status = 'deleted', last_loaded_at = current_timestamp
WHERE source_file IN (SELECT source_file FROM batch_deleted) AND status <> 'deleted';

-- Deleted files keep their rows unless the load purges them (ETL_PURGE_DELETED / --purge-deleted).
DELETE FROM fact_quote WHERE (SELECT purge_deleted FROM batch_meta)
    AND source_file_key IN (SELECT source_file_key FROM dim_source_file WHERE status = 'deleted');
DELETE FROM fact_mention WHERE (SELECT purge_deleted FROM batch_meta)
    AND source_file_key IN (SELECT source_file_key FROM dim_source_file WHERE status = 'deleted');
DELETE FROM fact_article WHERE (SELECT purge_deleted FROM batch_meta)
    AND source_file_key IN (SELECT source_file_key FROM dim_source_file WHERE status = 'deleted');
DELETE FROM dim_source_file WHERE (SELECT purge_deleted FROM batch_meta) AND status = 'deleted';

-- 3. Dimensions: new articles, entities, aliases and calendar days.
-- One occurrence stands for each new text; only narrow columns are grouped, so memory stays
-- bounded however large the texts are. Stories are assigned after this script, over all articles.
INSERT INTO dim_article
SELECT stable_key('article', first.text_hash), first.text_hash, a.article_id,
       a.title, a.standfirst, a.byline, a.captions, a.body, a.text, s.minhash, NULL
FROM batch_articles a
LEFT JOIN batch_signatures s USING (source_file, article_index)
JOIN (
    SELECT text_hash, min(source_file) AS source_file, arg_min(article_index, source_file) AS article_index
    FROM batch_article_keys
    WHERE text_hash NOT IN (SELECT text_hash FROM dim_article)
    GROUP BY text_hash
) first USING (source_file, article_index);
-- A text held already takes the signature the batch staged for it: the signature rules may have
-- changed since (their version is part of the pipeline version, so its files are reprocessed).
UPDATE dim_article SET minhash = s.minhash
FROM (
    SELECT DISTINCT ON (k.text_hash) k.text_hash, s.minhash
    FROM batch_article_keys k JOIN batch_signatures s USING (source_file, article_index)
) s
WHERE dim_article.text_hash = s.text_hash AND dim_article.minhash IS DISTINCT FROM s.minhash;

-- Keyed once per distinct entity, not once per mention.
INSERT INTO dim_entity (entity_key, canonical_name, entity_type)
SELECT entity_key_of(entity_type, entity_name), entity_name, entity_type
FROM (SELECT DISTINCT entity_name, entity_type FROM batch_mentions)
ON CONFLICT DO NOTHING;

-- Calendar: every day of each year an article is dated in, among the articles kept (the batch's
-- files and purged ones are already forgotten above) and the batch's, so years that only replaced
-- or purged files used go with them.
CREATE OR REPLACE TEMP TABLE calendar_years AS
SELECT DISTINCT date_key // 10000 AS year
FROM (SELECT date_key FROM fact_article UNION ALL SELECT date_key FROM batch_article_keys)
WHERE date_key <> 0;
DELETE FROM dim_date WHERE date_key <> 0 AND year NOT IN (SELECT year FROM calendar_years);
INSERT INTO dim_date
SELECT date_key_of(d), d, year(d), quarter(d), month(d), monthname(d), isoyear(d), week(d),
       day(d), isodow(d), dayname(d), isodow(d) >= 6
FROM (
    SELECT unnest(generate_series(make_date(year, 1, 1), make_date(year, 12, 31), INTERVAL 1 DAY))::DATE AS d
    FROM calendar_years
    WHERE year NOT IN (SELECT year FROM dim_date WHERE date_key <> 0)
);

-- 4. Facts.
INSERT INTO fact_article
SELECT a.source_file_key, a.article_index, a.article_key, a.date_key, a.char_start, a.char_end, a.word_count,
       coalesce(m.mentions, 0), coalesce(m.entities, 0)
FROM batch_article_keys a
LEFT JOIN (
    SELECT source_file, article_index, count(*) AS mentions,
           count(DISTINCT entity_type || chr(31) || entity_name) AS entities
    FROM batch_mentions
    GROUP BY ALL
) m USING (source_file, article_index);

INSERT INTO fact_mention
SELECT a.source_file_key, m.article_index, a.article_key,
       entity_key_of(m.entity_type, m.entity_name), a.date_key,
       m.char_start, m.char_end, m.surface, m.paragraph_index, m.paragraph_role, m.sentence_index,
       m.sentence_start, m.sentence_end,
       m.in_quote, (SELECT extractor_version FROM batch_meta)
FROM batch_mentions m
JOIN batch_article_keys a USING (source_file, article_index);

-- Speakers are entities of the mentions of the same article, so their keys are in dim_entity.
INSERT INTO fact_quote
SELECT a.source_file_key, q.article_index, a.article_key, a.date_key, q.char_start, q.char_end, q.paragraph_index,
       q.quote_text, q.word_count, q.is_fragment,
       CASE WHEN q.speaker_name IS NOT NULL THEN entity_key_of(q.speaker_type, q.speaker_name) END,
       q.cue, q.rule, q.verb, (SELECT quotes_version FROM batch_meta)
FROM batch_quotes q
JOIN batch_article_keys a USING (source_file, article_index);

-- 5. No orphans: dimensions keep only what some fact still references.
DELETE FROM dim_article WHERE article_key NOT IN (SELECT article_key FROM fact_article);
DELETE FROM dim_entity WHERE entity_key NOT IN (SELECT entity_key FROM fact_mention);
DELETE FROM dim_entity_alias;
INSERT INTO dim_entity_alias SELECT DISTINCT entity_key, surface FROM fact_mention;

-- 6. Entity statistics, so the most common questions need no scan of fact_mention.
UPDATE dim_entity e SET
    mention_count = s.mentions, article_count = s.articles, file_count = s.files,
    first_seen_date = s.first_seen, last_seen_date = s.last_seen
FROM (
    SELECT m.entity_key, count(*) AS mentions,
           count(DISTINCT (m.source_file_key, m.article_index)) AS articles,
           count(DISTINCT m.source_file_key) AS files,
           min(d.full_date) AS first_seen, max(d.full_date) AS last_seen
    FROM fact_mention m JOIN dim_date d USING (date_key)
    GROUP BY m.entity_key
) s
WHERE e.entity_key = s.entity_key;
