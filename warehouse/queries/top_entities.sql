-- The ten most mentioned entities, with how many articles mention them.
SELECT e.canonical_name, e.entity_type,
       count(*) AS mentions,
       count(DISTINCT (m.source_file_key, m.article_index)) AS articles
FROM fact_mention m
JOIN dim_entity e USING (entity_key)
GROUP BY ALL
ORDER BY mentions DESC, canonical_name
LIMIT 10;
