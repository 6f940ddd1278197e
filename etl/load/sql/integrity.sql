-- Integrity rules of the warehouse. Each query returns the number of violating rows
-- (0 = healthy). The loader runs them on its working copy of the warehouse once the load
-- has committed there, and discards the copy on any violation, so the published file never
-- sees it; their counts are the warehouse tables' Dagster asset checks (counted on the
-- published file when a run has nothing to load).

-- name: dim_source_file.keys_unique
-- Each file name appears once.
SELECT count(*) - count(DISTINCT source_file) FROM dim_source_file;

-- name: dim_source_file.rejected_have_reason
-- Every rejected file says why.
SELECT count(*) FROM dim_source_file WHERE status = 'rejected' AND coalesce(reason, '') = '';

-- name: dim_article.keys_unique
-- Each exact article text appears once.
SELECT count(*) - count(DISTINCT text_hash) FROM dim_article;

-- name: dim_article.no_orphans
-- Every article is found in at least one file.
SELECT count(*) FROM dim_article WHERE article_key NOT IN (SELECT article_key FROM fact_article);

-- name: dim_article.in_a_story
-- Every article has been assigned a story.
SELECT count(*) FROM dim_article WHERE story_id IS NULL;

-- name: dim_entity.keys_unique
-- Each (canonical name, type) appears once.
SELECT count(*) - count(DISTINCT (canonical_name, entity_type)) FROM dim_entity;

-- name: dim_entity.no_orphans
-- Every entity is mentioned at least once.
SELECT count(*) FROM dim_entity WHERE entity_key NOT IN (SELECT entity_key FROM fact_mention);

-- name: dim_entity_alias.entity_exists
-- Every alias belongs to an existing entity.
SELECT count(*) FROM dim_entity_alias WHERE entity_key NOT IN (SELECT entity_key FROM dim_entity);

-- name: dim_date.covers_fact_dates
-- Every article date is in the calendar.
SELECT count(*) FROM fact_article WHERE date_key NOT IN (SELECT date_key FROM dim_date);

-- name: fact_article.grain_unique
-- One row per (file, article position).
SELECT count(*) - count(DISTINCT (source_file_key, article_index)) FROM fact_article;

-- name: fact_article.keys_resolve
-- Every article row points at an existing file and article text.
SELECT count(*) FROM fact_article f
WHERE f.source_file_key NOT IN (SELECT source_file_key FROM dim_source_file)
   OR f.article_key NOT IN (SELECT article_key FROM dim_article);

-- name: fact_article.mention_count_reconciles
-- Each article row counts exactly the mentions stored for it.
SELECT count(*) FROM fact_article a
LEFT JOIN (SELECT source_file_key, article_index, count(*) AS n FROM fact_mention GROUP BY ALL) m
  USING (source_file_key, article_index)
WHERE a.mention_count <> coalesce(m.n, 0);

-- name: fact_mention.keys_resolve
-- Every mention points at an existing entity, date and article row.
SELECT count(*) FROM fact_mention m
WHERE m.entity_key NOT IN (SELECT entity_key FROM dim_entity)
   OR m.date_key NOT IN (SELECT date_key FROM dim_date)
   OR (m.source_file_key, m.article_index) NOT IN (SELECT (source_file_key, article_index) FROM fact_article);

-- name: fact_mention.offsets_slice_surface
-- Every mention offset cuts exactly its surface text out of the article, inside its sentence.
-- A character slice walks the text from its start, so slicing a long text once per mention
-- would take time in mentions × length: texts over 8,192 characters are cut into pieces of 256
-- characters (one linear pass), each surface into pieces aligned with them, and each piece of
-- a mention is compared with the piece of text it falls in.
WITH long_article AS (
    SELECT article_key, text FROM dim_article WHERE length(text) > 8192
), text_piece AS (
    SELECT article_key, unnest(list_transform(regexp_extract_all(text, '(?s).{1,256}'),
                                              (piece, i) -> {'piece_no': i - 1, 'piece': piece}), recursive := true)
    FROM long_article
), surface_piece AS (
    SELECT rowid AS mention, article_key, char_start, char_end,
           unnest(list_transform(regexp_extract_all(repeat(' ', char_start % 256) || surface, '(?s).{1,256}'),
                                 (part, i) -> {'piece_no': char_start // 256 + i - 1, 'part': part}), recursive := true)
    FROM fact_mention
    WHERE char_start >= 0 AND article_key IN (SELECT article_key FROM long_article)
), misplaced_in_long_text AS (
    SELECT DISTINCT mention
    FROM (SELECT *, greatest(char_start - piece_no * 256, 0) AS lo, least(char_end - piece_no * 256, 256) AS hi
          FROM surface_piece LEFT JOIN text_piece USING (article_key, piece_no))
    WHERE substr(piece, lo + 1, hi - lo) IS DISTINCT FROM substr(part, lo + 1, hi - lo)
)
SELECT count(*) FROM fact_mention m
LEFT JOIN (SELECT article_key, text FROM dim_article WHERE length(text) <= 8192) a USING (article_key)
WHERE m.char_start < 0 OR m.char_end <= m.char_start OR length(m.surface) <> m.char_end - m.char_start
   OR NOT (m.sentence_start <= m.char_start AND m.char_end <= m.sentence_end)
   OR substr(a.text, m.char_start + 1, m.char_end - m.char_start) <> m.surface
   OR m.rowid IN (SELECT mention FROM misplaced_in_long_text);

-- name: dim_entity.statistics_current
-- Every entity's mention count equals its rows in fact_mention.
SELECT count(*) FROM dim_entity e
LEFT JOIN (SELECT entity_key, count(*) AS n FROM fact_mention GROUP BY ALL) m USING (entity_key)
WHERE e.mention_count IS DISTINCT FROM m.n;

-- name: fact_quote.grain_unique
-- One row per quotation: (file, article position, start offset).
SELECT count(*) - count(DISTINCT (source_file_key, article_index, char_start)) FROM fact_quote;

-- name: fact_quote.keys_resolve
-- Every quotation points at an existing article row and date, and its speaker (when known) at an existing entity.
SELECT count(*) FROM fact_quote q
WHERE (q.speaker_entity_key IS NOT NULL AND q.speaker_entity_key NOT IN (SELECT entity_key FROM dim_entity))
   OR q.date_key NOT IN (SELECT date_key FROM dim_date)
   OR (q.source_file_key, q.article_index) NOT IN (SELECT (source_file_key, article_index) FROM fact_article);

-- name: fact_quote.offsets_slice_text
-- Every quotation's offsets cut exactly its text out of the article.
SELECT count(*) FROM fact_quote q JOIN dim_article a USING (article_key)
WHERE substr(a.text, q.char_start + 1, q.char_end - q.char_start) <> q.quote_text;
