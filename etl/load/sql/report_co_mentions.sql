-- Pairs among the entities mentioned most (the limit is the parameter) and the articles mentioning both.
WITH top AS (
    SELECT entity_name, entity_type
    FROM entity_summary
    ORDER BY mentions DESC, entity_name, entity_type
    LIMIT ?
)
SELECT c.entity_a, c.type_a, c.entity_b, c.type_b, c.articles
FROM co_mentions c
SEMI JOIN top a ON a.entity_name = c.entity_a AND a.entity_type = c.type_a
SEMI JOIN top b ON b.entity_name = c.entity_b AND b.entity_type = c.type_b
ORDER BY c.articles DESC, c.entity_a, c.entity_b;
