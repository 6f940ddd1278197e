-- Which entities a name can mean: canonical names and the names articles use for them, ignoring
-- case (LIKE wildcards allowed), ranked; rank 1 is what co_mentions_of and canonical_name take it for.
SELECT rank, entity_name, entity_type, matched_alias, mentions
FROM find_entity('%miliband')
ORDER BY rank;
