-- People mentioned in the same article as the Labour Party, by number of shared articles.
SELECT CASE WHEN entity_a = 'Labour Party' THEN entity_b ELSE entity_a END AS person, articles
FROM co_mentions
WHERE 'Labour Party' IN (entity_a, entity_b)
  AND 'PERSON' IN (type_a, type_b)
ORDER BY articles DESC, person
LIMIT 10;
