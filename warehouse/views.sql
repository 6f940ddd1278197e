-- Public views: a stable contract for analysts and scorers. Columns may be added, never renamed or removed.

CREATE OR REPLACE VIEW articles AS
SELECT
    f.source_file,
    fa.article_index,
    a.article_id,
    a.title,
    a.standfirst,
    a.body,
    a.byline,
    a.published_date,
    fa.word_count,
    a.captions,
    fa.mention_count,
    f.status AS source_status
FROM fact_article fa
JOIN dim_source_file f USING (source_file_key)
JOIN dim_article a USING (article_key);
COMMENT ON VIEW articles IS 'One row per article occurrence in a file.';

CREATE OR REPLACE VIEW article_entities AS
SELECT
    f.source_file,
    m.article_index,
    a.title,
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*)::INTEGER AS mention_count,
    list(DISTINCT m.surface ORDER BY m.surface) AS surface_forms
FROM fact_mention m
JOIN dim_source_file f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_entity e USING (entity_key)
GROUP BY ALL;
COMMENT ON VIEW article_entities IS 'One row per article occurrence and entity, with how often and how it is named.';

CREATE OR REPLACE VIEW rejected_files AS
SELECT source_file, reason, sha256, size_bytes, first_seen_at, last_loaded_at AS seen_at
FROM dim_source_file
WHERE status = 'rejected';
COMMENT ON VIEW rejected_files IS 'Files that could not be loaded, with the reason in words.';

-- Analyst views for the common questions. Each has an example in warehouse/queries/.

CREATE OR REPLACE VIEW entity_summary AS
SELECT
    canonical_name AS entity_name,
    entity_type,
    mention_count AS mentions,
    article_count AS articles,
    file_count AS files,
    first_seen_date,
    last_seen_date
FROM dim_entity;
COMMENT ON VIEW entity_summary IS 'One row per entity: mentions, articles and files mentioning it, first and last publication date seen.';

CREATE OR REPLACE VIEW entity_mentions_by_month AS
SELECT
    e.canonical_name AS entity_name,
    e.entity_type,
    d.year,
    d.month,
    make_date(d.year, d.month, 1) AS month_start,
    count(*) AS mentions,
    count(DISTINCT (m.source_file_key, m.article_index)) AS articles
FROM fact_mention m
JOIN dim_entity e USING (entity_key)
JOIN dim_date d USING (date_key)
WHERE d.full_date IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW entity_mentions_by_month IS 'Mentions per entity and calendar month of publication; articles without a date are left out.';

CREATE OR REPLACE VIEW co_mentions AS
WITH pairs AS (
    SELECT DISTINCT source_file_key, article_index, entity_key FROM fact_mention
)
SELECT
    a.canonical_name AS entity_a, a.entity_type AS type_a,
    b.canonical_name AS entity_b, b.entity_type AS type_b,
    count(*) AS articles
FROM pairs p
JOIN pairs q ON p.source_file_key = q.source_file_key AND p.article_index = q.article_index
            AND p.entity_key < q.entity_key
JOIN dim_entity a ON a.entity_key = p.entity_key
JOIN dim_entity b ON b.entity_key = q.entity_key
GROUP BY ALL;
-- The same for one entity, filtered before pairing: SELECT * FROM co_mentions_of('Labour Party').
CREATE OR REPLACE MACRO co_mentions_of(name) AS TABLE
WITH target AS (
    SELECT DISTINCT m.source_file_key, m.article_index
    FROM fact_mention m JOIN dim_entity e USING (entity_key)
    WHERE e.canonical_name = name
)
SELECT o.canonical_name AS entity_name, o.entity_type, count(DISTINCT (m.source_file_key, m.article_index)) AS articles
FROM target t
JOIN fact_mention m USING (source_file_key, article_index)
JOIN dim_entity o USING (entity_key)
WHERE o.canonical_name <> name
GROUP BY ALL;

COMMENT ON VIEW co_mentions IS 'Pairs of entities mentioned in the same article occurrence, with how many articles; each pair once.';

CREATE OR REPLACE VIEW mention_context AS
SELECT
    f.source_file,
    m.article_index,
    a.title,
    e.canonical_name AS entity_name,
    e.entity_type,
    m.surface,
    m.paragraph_role,
    m.in_quote,
    substr(a.text, m.sentence_start + 1, m.sentence_end - m.sentence_start) AS sentence,
    substr(a.text, greatest(m.char_start - 60, 0) + 1, least(m.char_start, 60)) AS left_context,
    substr(a.text, m.char_end + 1, 60) AS right_context
FROM fact_mention m
JOIN dim_source_file f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_entity e USING (entity_key);
COMMENT ON VIEW mention_context IS 'Keyword in context: every mention with the sentence around it and 60 characters either side.';

CREATE OR REPLACE VIEW mentions_by_role AS
SELECT
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*) FILTER (WHERE m.paragraph_role = 'title') AS in_titles,
    count(*) FILTER (WHERE m.paragraph_role = 'standfirst') AS in_standfirsts,
    count(*) FILTER (WHERE m.paragraph_role = 'body') AS in_bodies,
    count(*) FILTER (WHERE m.paragraph_role = 'bio') AS in_bios,
    count(*) FILTER (WHERE m.paragraph_role = 'caption') AS in_captions,
    count(*) FILTER (WHERE m.in_quote) AS in_quotes
FROM fact_mention m
JOIN dim_entity e USING (entity_key)
GROUP BY ALL;
COMMENT ON VIEW mentions_by_role IS 'Where in the article each entity is mentioned: titles vs standfirsts vs bodies vs bios vs captions, and inside quotations.';
