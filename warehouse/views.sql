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
