-- The ten most mentioned entities, with how many articles mention them.
SELECT entity_name, entity_type, mentions, articles
FROM entity_summary
ORDER BY mentions DESC, entity_name
LIMIT 10;
