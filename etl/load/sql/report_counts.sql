-- Articles counted (files marked deleted left out) and how many give a publication date.
SELECT count(*) AS articles, count(published_date) AS dated_articles
FROM articles;
