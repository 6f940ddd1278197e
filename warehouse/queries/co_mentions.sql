-- People mentioned in the same articles as the Labour Party, by number of shared articles.
SELECT entity_name AS person, articles
FROM co_mentions_of('Labour Party')
WHERE entity_type = 'PERSON'
ORDER BY articles DESC, person
LIMIT 10;
