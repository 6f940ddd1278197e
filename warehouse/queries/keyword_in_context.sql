-- Every sentence in which Momentum is mentioned, in article order.
SELECT source_file, article_index, paragraph_role, sentence
FROM mention_context
WHERE entity_name = 'Momentum'
ORDER BY source_file, article_index, sentence;
