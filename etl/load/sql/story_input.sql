-- What story clustering reads: every distinct article text the warehouse holds, with its signature,
-- whether a file not marked deleted holds it, and its earliest publication date (over those files
-- when there are any), which decides the story's leader.
SELECT
    a.article_key,
    any_value(a.article_id) AS article_id,
    any_value(a.minhash) AS minhash,
    bool_or(f.status <> 'deleted') AS live,
    coalesce(min(d.full_date) FILTER (WHERE f.status <> 'deleted'), min(d.full_date)) AS first_date
FROM dim_article a
JOIN fact_article fa USING (article_key)
JOIN dim_source_file f USING (source_file_key)
JOIN dim_date d USING (date_key)
GROUP BY a.article_key
