-- Full-text search over article titles and bodies, ranked by BM25, in plain SQL: the index is two
-- tables that every load keeps in step with dim_article (search_index.sql), and search_articles()
-- scores them. No DuckDB extension is involved, so search works in any DuckDB client that opens
-- the file, read-only included, with nothing to install.
--
-- Words are what lies between characters that are neither letters nor digits, lower-cased with
-- accents removed; common English words are left out, and plurals folded onto their singular
-- (Harman's S-stemmer: parties -> party, votes -> vote, immigrants -> immigrant).

CREATE TABLE IF NOT EXISTS search_documents (
    article_key     BIGINT PRIMARY KEY,
    term_count      INTEGER NOT NULL
);
COMMENT ON TABLE search_documents IS 'Search index: one row per article (dim_article) with the number of indexed words of its title and body.';
COMMENT ON COLUMN search_documents.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN search_documents.term_count IS 'Indexed words in its title and body (common words left out): the document length BM25 normalises by.';

CREATE TABLE IF NOT EXISTS search_postings (
    term            VARCHAR NOT NULL,
    article_key     BIGINT NOT NULL,
    term_frequency  INTEGER NOT NULL
);
COMMENT ON TABLE search_postings IS 'Search index: one row per word and article whose title or body contains it.';
COMMENT ON COLUMN search_postings.term IS 'The word as indexed (see search_words).';
COMMENT ON COLUMN search_postings.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN search_postings.term_frequency IS 'How often the word occurs in its title and body.';

CREATE OR REPLACE MACRO search_stem(word) AS CASE
    WHEN length(word) > 3 AND word LIKE '%ies' AND NOT (word LIKE '%eies' OR word LIKE '%aies')
        THEN left(word, length(word) - 3) || 'y'
    WHEN length(word) > 3 AND word LIKE '%es' AND NOT (word LIKE '%aes' OR word LIKE '%ees' OR word LIKE '%oes')
        THEN left(word, length(word) - 1)
    WHEN length(word) > 3 AND word LIKE '%s' AND NOT (word LIKE '%us' OR word LIKE '%ss')
        THEN left(word, length(word) - 1)
    ELSE word
END;
COMMENT ON MACRO search_stem IS 'A lower-cased word with its plural folded onto the singular (Harman''s S-stemmer).';

CREATE OR REPLACE MACRO search_words(text) AS list_transform(
    list_filter(
        regexp_split_to_array(lower(strip_accents(coalesce(text, ''))), '[^\p{L}\p{N}]+'),
        word -> word <> '' AND NOT list_contains(
            ['a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'had', 'has', 'have', 'he',
             'her', 'his', 'i', 'in', 'is', 'it', 'its', 'not', 'of', 'on', 'or', 's', 'she', 'that', 'the',
             'their', 'they', 'this', 'to', 'was', 'we', 'were', 'which', 'who', 'will', 'with'],
            word)
    ),
    word -> search_stem(word)
);
COMMENT ON MACRO search_words IS 'The words of a text as the search index holds them: lower case, accents removed, common words left out, plurals folded. The index and search_articles read text through it alike.';

-- BM25 as DuckDB's fts extension computes it in match_bm25 (k1 = 1.2, b = 0.75, IDF with a base-10
-- logarithm), so scores equal that extension's on the same words; over the articles of the files counted: document count, average length and document frequencies are those of the
-- articles an analyst sees, so leaving out deleted files changes scores as it changes results.
CREATE OR REPLACE MACRO search_articles(query, include_deleted := false) AS TABLE
WITH query_terms AS (
    SELECT DISTINCT unnest(search_words(query)) AS term
), counted_articles AS (
    SELECT DISTINCT fa.article_key
    FROM fact_article fa JOIN counted_files(include_deleted) USING (source_file_key)
), documents AS (
    SELECT d.article_key, d.term_count FROM search_documents d SEMI JOIN counted_articles USING (article_key)
), corpus AS (
    SELECT count(*) AS documents, avg(term_count) AS average_length FROM documents
), hits AS (
    SELECT p.term, p.article_key, p.term_frequency, d.term_count
    FROM search_postings p
    SEMI JOIN query_terms USING (term)
    JOIN documents d USING (article_key)
), frequencies AS (
    SELECT term, count(*) AS document_frequency FROM hits GROUP BY term
), scored AS (
    SELECT
        h.article_key,
        sum(
            log10((c.documents - f.document_frequency + 0.5) / (f.document_frequency + 0.5) + 1)
            * h.term_frequency * (1.2 + 1)
            / (h.term_frequency + 1.2 * (1 - 0.75 + 0.75 * h.term_count / c.average_length))
        ) AS score,
        list(h.term ORDER BY h.term) AS matched_terms
    FROM hits h
    JOIN frequencies f USING (term)
    CROSS JOIN corpus c
    GROUP BY h.article_key
)
SELECT
    f.source_file,
    fa.article_index,
    a.title,
    s.score,
    s.matched_terms,
    d.full_date AS published_date,
    a.article_id,
    f.source_status
FROM scored s
JOIN fact_article fa USING (article_key)
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_date d USING (date_key)
ORDER BY s.score DESC, f.source_file, fa.article_index;
COMMENT ON MACRO TABLE search_articles IS 'Full-text search: the article occurrences whose title or body contains any word of the query (see search_words), best BM25 score first, with the words matched. Files marked deleted are left out unless include_deleted := true.';
