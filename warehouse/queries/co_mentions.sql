-- People mentioned in the same article as the Labour Party, by number of shared articles.
SELECT other.entity_name AS person, count(*) AS articles
FROM article_entities labour
JOIN article_entities other USING (source_file, article_index)
WHERE labour.entity_name = 'Labour Party'
  AND other.entity_type = 'PERSON'
GROUP BY ALL
ORDER BY articles DESC, person
LIMIT 10;
