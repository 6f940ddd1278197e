-- Every sentence in which Momentum is mentioned, in article order. canonical_name() turns any name
-- the articles use, in any case, into the entity's canonical name.
SELECT source_file, article_index, paragraph_role, sentence
FROM mention_context
WHERE entity_name = canonical_name('momentum')
ORDER BY source_file, article_index, sentence;
