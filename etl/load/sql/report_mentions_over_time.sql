-- Mentions per month of the entities mentioned most in dated articles (the limit is the parameter).
WITH top AS (
    SELECT entity_name, entity_type, sum(mentions) AS dated_mentions
    FROM entity_mentions_by_month
    GROUP BY ALL
    ORDER BY dated_mentions DESC, entity_name, entity_type
    LIMIT ?
)
SELECT m.entity_name, m.entity_type, m.month_start, m.mentions
FROM entity_mentions_by_month m
JOIN top USING (entity_name, entity_type)
ORDER BY top.dated_mentions DESC, m.entity_name, m.entity_type, m.month_start;
