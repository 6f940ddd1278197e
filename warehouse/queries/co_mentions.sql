-- People mentioned in the same articles as the Labour Party, by number of shared articles.
-- Any name the articles use works, in any case: 'labour', 'Labour Party' (see find_entity).
SELECT entity_name AS person, articles
FROM co_mentions_of('labour')
WHERE entity_type = 'PERSON'
ORDER BY articles DESC, person
LIMIT 10;
