-- Keeps the search index (search.sql) in step with dim_article, in the load's transaction, so every
-- published file is searchable exactly as it is. Article keys are content hashes, so an article's
-- words never change: articles gone from dim_article leave the index and new ones are tokenised
-- once, and a load costs what its new articles cost, however large the warehouse.
DELETE FROM search_postings WHERE article_key NOT IN (SELECT article_key FROM dim_article);
DELETE FROM search_documents WHERE article_key NOT IN (SELECT article_key FROM dim_article);

CREATE OR REPLACE TEMP TABLE search_new_articles AS
SELECT article_key, search_words(concat_ws(' ', title, body)) AS words
FROM dim_article
WHERE article_key NOT IN (SELECT article_key FROM search_documents);

INSERT INTO search_documents
SELECT article_key, len(words) FROM search_new_articles;

INSERT INTO search_postings
SELECT term, article_key, count(*)
FROM (SELECT article_key, unnest(words) AS term FROM search_new_articles)
GROUP BY term, article_key;

DROP TABLE search_new_articles;
