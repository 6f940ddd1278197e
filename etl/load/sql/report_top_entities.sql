-- The entities mentioned most (the limit is the parameter), with their mentions.
SELECT entity_name, entity_type, mentions
FROM entity_summary
ORDER BY mentions DESC, entity_name, entity_type
LIMIT ?;
