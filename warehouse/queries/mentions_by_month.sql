-- How often each person was mentioned per month (articles that carry a publication date).
SELECT month_start, entity_name, mentions
FROM entity_mentions_by_month
WHERE entity_type = 'PERSON'
ORDER BY month_start, mentions DESC, entity_name;
