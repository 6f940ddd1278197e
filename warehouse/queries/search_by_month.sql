-- Articles matching a search that mention an entity, by month of publication: here 'immigration'
-- and the Labour Party, named the way articles do (see find_entity). Undated articles count in the
-- row with no month. Deleted files are left out, as in every view.
SELECT
    date_trunc('month', s.published_date)::DATE AS month,
    count(*) AS articles,
    arg_max(coalesce(s.title, s.source_file), s.score) AS best_match
FROM search_articles('immigration') s
WHERE (s.source_file, s.article_index) IN (
    SELECT source_file, article_index FROM article_entities WHERE entity_name = canonical_name('labour')
)
GROUP BY month
ORDER BY month NULLS LAST;
