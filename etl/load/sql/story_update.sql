-- Records the stories clustering assigned (registered as assigned_stories(article_key, story_id));
-- only articles whose story changed are written.
UPDATE dim_article SET story_id = s.story_id
FROM assigned_stories s
WHERE dim_article.article_key = s.article_key AND dim_article.story_id IS DISTINCT FROM s.story_id;
