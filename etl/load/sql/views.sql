-- Public views: a stable contract for analysts and scorers. Columns may be added, never renamed or removed.
--
-- Files marked deleted (gone from the landing folder; their rows are kept unless purged) count in no
-- view. Every view over articles, mentions or quotations is a table macro of the same name taking
-- include_deleted, and the view is that macro with its default: `FROM entity_summary` leaves deleted
-- files out, `FROM entity_summary(include_deleted := true)` counts them too. One definition serves both.

-- The files whose rows the views count.
CREATE OR REPLACE MACRO counted_files(include_deleted := false) AS TABLE
SELECT source_file_key, source_file, status AS source_status
FROM dim_source_file
WHERE include_deleted OR status <> 'deleted';
COMMENT ON MACRO TABLE counted_files IS 'The files whose rows the views count: all but those marked deleted, or with include_deleted := true all.';

CREATE OR REPLACE MACRO articles(include_deleted := false) AS TABLE
SELECT
    f.source_file,
    fa.article_index,
    a.article_id,
    a.title,
    a.standfirst,
    a.body,
    a.byline,
    d.full_date AS published_date,
    fa.word_count,
    a.captions,
    fa.mention_count,
    f.source_status,
    a.story_id
FROM fact_article fa
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_date d USING (date_key);
CREATE OR REPLACE VIEW articles AS FROM articles();
COMMENT ON MACRO TABLE articles IS 'The view articles, which leaves out files marked deleted; include_deleted := true adds their articles.';
COMMENT ON VIEW articles IS 'One row per article occurrence in a file.';
COMMENT ON COLUMN articles.source_file IS 'The file the article occurrence was read from (its name in the landing folder).';
COMMENT ON COLUMN articles.article_index IS 'Position of the article in its file, from 1.';
COMMENT ON COLUMN articles.article_id IS 'Content hash of the normalised article text: copies in two files that differ only in typography or spacing share it.';
COMMENT ON COLUMN articles.title IS 'Title, when the article has one.';
COMMENT ON COLUMN articles.standfirst IS 'Standfirst (the summary under the title), when present.';
COMMENT ON COLUMN articles.body IS 'Body text: the paragraphs after title and standfirst, captions and bios left out.';
COMMENT ON COLUMN articles.byline IS 'Byline, when present.';
COMMENT ON COLUMN articles.published_date IS 'Publication date this file gives the article (its "date YYYY-MM-DD" line); NULL when it gives none or an implausible one.';
COMMENT ON COLUMN articles.word_count IS 'Words in the article text.';
COMMENT ON COLUMN articles.captions IS 'Picture captions, one per line.';
COMMENT ON COLUMN articles.mention_count IS 'Mentions of people, organisations and places in this occurrence.';
COMMENT ON COLUMN articles.source_status IS 'Status of the file: loaded, or (only with include_deleted := true) deleted, when it has left the landing folder.';
COMMENT ON COLUMN articles.story_id IS 'The story: near-duplicate articles (republished with small edits, re-headlined, truncated) share it. It is the article_id of the story''s earliest article.';

CREATE OR REPLACE MACRO article_entities(include_deleted := false) AS TABLE
SELECT
    f.source_file,
    m.article_index,
    a.title,
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*)::INTEGER AS mention_count,
    list(DISTINCT m.surface ORDER BY m.surface) AS surface_forms,
    f.source_status,
    a.story_id
FROM fact_mention m
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_entity e USING (entity_key)
GROUP BY ALL;
CREATE OR REPLACE VIEW article_entities AS FROM article_entities();
COMMENT ON MACRO TABLE article_entities IS 'The view article_entities; include_deleted := true adds the files marked deleted.';
COMMENT ON VIEW article_entities IS 'One row per article occurrence and entity, with how often and how it is named (files marked deleted left out).';
COMMENT ON COLUMN article_entities.source_file IS 'The file of the article occurrence.';
COMMENT ON COLUMN article_entities.article_index IS 'Position of the article in its file, from 1.';
COMMENT ON COLUMN article_entities.title IS 'Title of the article.';
COMMENT ON COLUMN article_entities.entity_name IS 'Canonical name of the entity.';
COMMENT ON COLUMN article_entities.entity_type IS 'PERSON, ORG or PLACE.';
COMMENT ON COLUMN article_entities.mention_count IS 'Mentions of the entity in this article occurrence.';
COMMENT ON COLUMN article_entities.surface_forms IS 'The distinct ways the article writes the entity, sorted.';
COMMENT ON COLUMN article_entities.source_status IS 'Status of the file: loaded, or (only with include_deleted := true) deleted, when it has left the landing folder.';
COMMENT ON COLUMN article_entities.story_id IS 'The story of the article (see articles.story_id): count DISTINCT story_id to count a republished story once.';

CREATE OR REPLACE VIEW rejected_files AS
SELECT source_file, reason, sha256, size_bytes, first_seen_at, last_loaded_at AS seen_at
FROM dim_source_file
WHERE status = 'rejected';
COMMENT ON VIEW rejected_files IS 'Files that could not be loaded, with the reason in words.';
COMMENT ON COLUMN rejected_files.source_file IS 'The file name in the landing folder.';
COMMENT ON COLUMN rejected_files.reason IS 'Why it could not be loaded, in words.';
COMMENT ON COLUMN rejected_files.sha256 IS 'SHA-256 of its bytes; NULL when it could not be read.';
COMMENT ON COLUMN rejected_files.size_bytes IS 'Its size in bytes; NULL when unknown.';
COMMENT ON COLUMN rejected_files.first_seen_at IS 'When a load first saw a file of this name.';
COMMENT ON COLUMN rejected_files.seen_at IS 'When a load last looked at it.';

CREATE OR REPLACE MACRO quotes(include_deleted := false) AS TABLE
SELECT
    f.source_file,
    q.article_index,
    a.title,
    q.quote_text,
    e.canonical_name AS speaker_name,
    e.entity_type AS speaker_type,
    q.cue,
    q.rule,
    q.verb,
    q.is_fragment,
    q.word_count,
    q.paragraph_index,
    q.char_start,
    q.char_end,
    d.full_date AS published_date,
    f.source_status
FROM fact_quote q
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_date d USING (date_key)
LEFT JOIN dim_entity e ON e.entity_key = q.speaker_entity_key;
CREATE OR REPLACE VIEW quotes AS FROM quotes();
COMMENT ON MACRO TABLE quotes IS 'The view quotes; include_deleted := true adds the quotations of files marked deleted.';
COMMENT ON VIEW quotes IS 'One row per direct quotation in an article occurrence, with its speaker when a rule could tell (files marked deleted left out).';
COMMENT ON COLUMN quotes.source_file IS 'The file of the article occurrence.';
COMMENT ON COLUMN quotes.article_index IS 'Position of the article in its file, from 1.';
COMMENT ON COLUMN quotes.title IS 'Title of the article.';
COMMENT ON COLUMN quotes.quote_text IS 'The quotation as written, quotation marks included.';
COMMENT ON COLUMN quotes.speaker_name IS 'Canonical name of who said or wrote it (the same entity as in article_entities); NULL when unknown.';
COMMENT ON COLUMN quotes.speaker_type IS 'PERSON or ORG (an organisation, its spokesperson or its document); NULL when unknown.';
COMMENT ON COLUMN quotes.cue IS 'How the speaker is signalled: name, org, pronoun, role, previous or none.';
COMMENT ON COLUMN quotes.rule IS 'The attribution rule that fired.';
COMMENT ON COLUMN quotes.verb IS 'The reporting word nearest the quotation (said, told, according to; a colon), when one stands there.';
COMMENT ON COLUMN quotes.is_fragment IS 'Four words or fewer: filter these out for full quotations.';
COMMENT ON COLUMN quotes.word_count IS 'Words inside the quotation.';
COMMENT ON COLUMN quotes.paragraph_index IS '0-based paragraph of the article it stands in.';
COMMENT ON COLUMN quotes.char_start IS 'Offset of the opening mark in the article text.';
COMMENT ON COLUMN quotes.char_end IS 'Offset just past the closing mark.';
COMMENT ON COLUMN quotes.published_date IS 'Publication date this file gives the article; NULL when none.';
COMMENT ON COLUMN quotes.source_status IS 'Status of the file: loaded, or (only with include_deleted := true) deleted, when it has left the landing folder.';

-- Analyst views for the common questions. Each has an example in warehouse/queries/.

CREATE OR REPLACE MACRO quotes_by_speaker(include_deleted := false) AS TABLE
WITH counted_quotes AS (
    SELECT q.* FROM fact_quote q JOIN counted_files(include_deleted) USING (source_file_key)
), article_words AS (
    SELECT source_file_key, article_index, sum(word_count) AS quoted_words FROM counted_quotes GROUP BY ALL
), speaker_context AS (  -- all quoted words of the articles quoting each speaker
    SELECT s.speaker_entity_key, sum(w.quoted_words) AS context_words
    FROM (SELECT DISTINCT speaker_entity_key, source_file_key, article_index FROM counted_quotes
          WHERE speaker_entity_key IS NOT NULL) s
    JOIN article_words w USING (source_file_key, article_index)
    GROUP BY ALL
)
SELECT
    e.canonical_name AS speaker_name,
    e.entity_type AS speaker_type,
    count(*) AS quotations,
    count(*) FILTER (WHERE NOT q.is_fragment) AS full_quotations,
    count(DISTINCT (q.source_file_key, q.article_index)) AS articles,
    min(d.full_date) AS first_date,
    max(d.full_date) AS last_date,
    round(sum(q.word_count) / any_value(c.context_words)::DOUBLE, 4) AS share_of_quoted_words
FROM counted_quotes q
JOIN dim_entity e ON e.entity_key = q.speaker_entity_key
JOIN dim_date d USING (date_key)
JOIN speaker_context c ON c.speaker_entity_key = q.speaker_entity_key
GROUP BY e.canonical_name, e.entity_type;
CREATE OR REPLACE VIEW quotes_by_speaker AS FROM quotes_by_speaker();
COMMENT ON MACRO TABLE quotes_by_speaker IS 'The view quotes_by_speaker; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW quotes_by_speaker IS 'One row per speaker: how often quoted, in how many articles, first and last date, and the share of the quoted words of those articles that are theirs (files marked deleted left out).';
COMMENT ON COLUMN quotes_by_speaker.speaker_name IS 'Canonical name of the speaker.';
COMMENT ON COLUMN quotes_by_speaker.speaker_type IS 'PERSON or ORG.';
COMMENT ON COLUMN quotes_by_speaker.quotations IS 'Quotations attributed to them, fragments included.';
COMMENT ON COLUMN quotes_by_speaker.full_quotations IS 'Of those, quotations of more than four words.';
COMMENT ON COLUMN quotes_by_speaker.articles IS 'Article occurrences quoting them.';
COMMENT ON COLUMN quotes_by_speaker.first_date IS 'Earliest publication date of an article quoting them.';
COMMENT ON COLUMN quotes_by_speaker.last_date IS 'Latest publication date of an article quoting them.';
COMMENT ON COLUMN quotes_by_speaker.share_of_quoted_words IS 'Their quoted words over all quoted words of the articles quoting them.';

-- Counted from the facts of the files counted, not read from the totals dim_entity keeps over all
-- files (deleted ones included).
CREATE OR REPLACE MACRO entity_summary(include_deleted := false) AS TABLE
SELECT
    e.canonical_name AS entity_name,
    e.entity_type,
    s.mentions,
    s.articles,
    s.files,
    s.first_seen_date,
    s.last_seen_date,
    s.stories
FROM (
    SELECT m.entity_key, count(*) AS mentions,
           count(DISTINCT (m.source_file_key, m.article_index)) AS articles,
           count(DISTINCT m.source_file_key) AS files,
           min(d.full_date) AS first_seen_date, max(d.full_date) AS last_seen_date,
           count(DISTINCT a.story_id) AS stories
    FROM fact_mention m
    JOIN counted_files(include_deleted) USING (source_file_key)
    JOIN dim_date d USING (date_key)
    JOIN dim_article a USING (article_key)
    GROUP BY m.entity_key
) s
JOIN dim_entity e USING (entity_key);
CREATE OR REPLACE VIEW entity_summary AS FROM entity_summary();
COMMENT ON MACRO TABLE entity_summary IS 'The view entity_summary; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW entity_summary IS 'One row per entity: mentions, articles and files mentioning it, first and last publication date seen (files marked deleted left out).';
COMMENT ON COLUMN entity_summary.entity_name IS 'Canonical name of the entity.';
COMMENT ON COLUMN entity_summary.entity_type IS 'PERSON, ORG or PLACE.';
COMMENT ON COLUMN entity_summary.mentions IS 'Mentions of it (in the files counted: those marked deleted left out, unless included).';
COMMENT ON COLUMN entity_summary.articles IS 'Article occurrences mentioning it.';
COMMENT ON COLUMN entity_summary.files IS 'Files mentioning it.';
COMMENT ON COLUMN entity_summary.first_seen_date IS 'Earliest publication date of an article mentioning it.';
COMMENT ON COLUMN entity_summary.last_seen_date IS 'Latest publication date of an article mentioning it.';
COMMENT ON COLUMN entity_summary.stories IS 'Stories mentioning it: an article republished with small edits counts once (articles counts every occurrence).';

CREATE OR REPLACE MACRO entity_mentions_by_month(include_deleted := false) AS TABLE
SELECT
    e.canonical_name AS entity_name,
    e.entity_type,
    d.year,
    d.month,
    make_date(d.year, d.month, 1) AS month_start,
    count(*) AS mentions,
    count(DISTINCT (m.source_file_key, m.article_index)) AS articles
FROM fact_mention m
JOIN counted_files(include_deleted) USING (source_file_key)
JOIN dim_entity e USING (entity_key)
JOIN dim_date d USING (date_key)
WHERE d.full_date IS NOT NULL
GROUP BY ALL;
CREATE OR REPLACE VIEW entity_mentions_by_month AS FROM entity_mentions_by_month();
COMMENT ON MACRO TABLE entity_mentions_by_month IS 'The view entity_mentions_by_month; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW entity_mentions_by_month IS 'Mentions per entity and calendar month of publication; articles without a date and files marked deleted are left out.';
COMMENT ON COLUMN entity_mentions_by_month.entity_name IS 'Canonical name of the entity.';
COMMENT ON COLUMN entity_mentions_by_month.entity_type IS 'PERSON, ORG or PLACE.';
COMMENT ON COLUMN entity_mentions_by_month.year IS 'Calendar year of publication.';
COMMENT ON COLUMN entity_mentions_by_month.month IS 'Month of publication, 1-12.';
COMMENT ON COLUMN entity_mentions_by_month.month_start IS 'First day of that month.';
COMMENT ON COLUMN entity_mentions_by_month.mentions IS 'Mentions of the entity in articles published that month.';
COMMENT ON COLUMN entity_mentions_by_month.articles IS 'Article occurrences published that month mentioning it.';

CREATE OR REPLACE MACRO co_mentions(include_deleted := false) AS TABLE
WITH pairs AS (
    SELECT DISTINCT m.source_file_key, m.article_index, m.entity_key
    FROM fact_mention m JOIN counted_files(include_deleted) USING (source_file_key)
)
SELECT
    a.canonical_name AS entity_a, a.entity_type AS type_a,
    b.canonical_name AS entity_b, b.entity_type AS type_b,
    count(*) AS articles
FROM pairs p
JOIN pairs q ON p.source_file_key = q.source_file_key AND p.article_index = q.article_index
            AND p.entity_key < q.entity_key
JOIN dim_entity a ON a.entity_key = p.entity_key
JOIN dim_entity b ON b.entity_key = q.entity_key
GROUP BY ALL;
CREATE OR REPLACE VIEW co_mentions AS FROM co_mentions();
COMMENT ON MACRO TABLE co_mentions IS 'The view co_mentions; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW co_mentions IS 'Pairs of entities mentioned in the same article occurrence, with how many articles; each pair once (files marked deleted left out).';
COMMENT ON COLUMN co_mentions.entity_a IS 'Canonical name of one entity of the pair.';
COMMENT ON COLUMN co_mentions.type_a IS 'Its type.';
COMMENT ON COLUMN co_mentions.entity_b IS 'Canonical name of the other entity.';
COMMENT ON COLUMN co_mentions.type_b IS 'Its type.';
COMMENT ON COLUMN co_mentions.articles IS 'Article occurrences mentioning both.';

-- Names that resolve. An analyst names an entity the way articles do ('labour', 'Tories', 'Miliband'):
-- the text is matched, ignoring case, against the canonical names and every form (alias) the
-- articles used for an entity, in any file the warehouse holds. One entity wins, the one the
-- entity-taking macros use: an exact canonical name (case included) first; otherwise the entity
-- with the most mentions among those matched; ties by name and type. Entities with no mention in
-- the files counted are not found.
CREATE OR REPLACE MACRO find_entity(name, of_type := NULL, include_deleted := false) AS TABLE
WITH forms AS (
    SELECT e.entity_key, e.canonical_name AS form, true AS is_canonical FROM dim_entity e
    UNION ALL
    SELECT a.entity_key, a.alias, false FROM dim_entity_alias a
), matched AS (
    SELECT f.entity_key,
           bool_or(f.is_canonical AND f.form = trim(name)) AS exact_name,
           -- the canonical name when it matches, else the form written as given, else the first
           arg_min(f.form, (NOT f.is_canonical, f.form <> trim(name), f.form)) AS matched_alias
    FROM forms f
    WHERE f.form ILIKE trim(name)
    GROUP BY f.entity_key
), counted AS (
    SELECT m.entity_key, count(*) AS mentions, count(DISTINCT (m.source_file_key, m.article_index)) AS articles
    FROM fact_mention m
    JOIN counted_files(include_deleted) USING (source_file_key)
    WHERE m.entity_key IN (SELECT x.entity_key FROM matched x)
    GROUP BY m.entity_key
), aliases AS (
    SELECT a.entity_key, list(a.alias ORDER BY a.alias) AS aliases
    FROM dim_entity_alias a
    WHERE a.entity_key IN (SELECT x.entity_key FROM matched x)
    GROUP BY a.entity_key
)
SELECT
    row_number() OVER (ORDER BY x.exact_name DESC, c.mentions DESC, e.canonical_name, e.entity_type) AS rank,
    e.canonical_name AS entity_name,
    e.entity_type,
    x.matched_alias,
    c.mentions,
    c.articles,
    coalesce(l.aliases, []) AS aliases
FROM matched x
JOIN counted c USING (entity_key)
JOIN dim_entity e USING (entity_key)
LEFT JOIN aliases l USING (entity_key)
WHERE of_type IS NULL OR e.entity_type = upper(of_type)
ORDER BY rank;
COMMENT ON MACRO TABLE find_entity IS 'Entities a name can mean: canonical names and aliases equal to it ignoring case (LIKE wildcards allowed), ranked; rank 1 is the entity co_mentions_of and canonical_name use. Optional of_type := ''PERSON'', ''ORG'' or ''PLACE''; include_deleted := true counts the files marked deleted too.';

-- The canonical name an analyst's name resolves to, for filtering any view:
-- WHERE entity_name = canonical_name('momentum'). NULL when nothing matches.
CREATE OR REPLACE MACRO canonical_name(name, of_type := NULL, include_deleted := false) AS (
    SELECT r.entity_name FROM find_entity(name, of_type := of_type, include_deleted := include_deleted) r
    WHERE r.rank = 1
);
COMMENT ON MACRO canonical_name IS 'The canonical name of the entity a name resolves to (rank 1 of find_entity), NULL when none: WHERE entity_name = canonical_name(''tories'').';

-- The entities mentioned in the articles that mention one entity, filtered before pairing (much
-- faster than co_mentions): SELECT * FROM co_mentions_of('labour').
CREATE OR REPLACE MACRO co_mentions_of(name, of_type := NULL, include_deleted := false) AS TABLE
WITH resolved AS (
    SELECT e.entity_key
    FROM find_entity(name, of_type := of_type, include_deleted := include_deleted) r
    JOIN dim_entity e ON e.canonical_name = r.entity_name AND e.entity_type = r.entity_type
    WHERE r.rank = 1
), target AS (
    SELECT DISTINCT m.source_file_key, m.article_index
    FROM fact_mention m JOIN counted_files(include_deleted) USING (source_file_key)
    WHERE m.entity_key IN (SELECT entity_key FROM resolved)
)
SELECT o.canonical_name AS entity_name, o.entity_type, count(DISTINCT (m.source_file_key, m.article_index)) AS articles
FROM target t
JOIN fact_mention m USING (source_file_key, article_index)
JOIN dim_entity o USING (entity_key)
WHERE o.entity_key NOT IN (SELECT entity_key FROM resolved)
GROUP BY ALL;
COMMENT ON MACRO TABLE co_mentions_of IS 'Entities mentioned in the same article occurrences as the entity a name resolves to (see find_entity), with how many articles. Optional of_type and include_deleted as in find_entity.';

CREATE OR REPLACE MACRO mention_context(include_deleted := false) AS TABLE
SELECT
    f.source_file,
    m.article_index,
    a.title,
    e.canonical_name AS entity_name,
    e.entity_type,
    m.surface,
    m.paragraph_role,
    m.in_quote,
    substr(a.text, m.sentence_start + 1, m.sentence_end - m.sentence_start) AS sentence,
    substr(a.text, greatest(m.char_start - 60, 0) + 1, least(m.char_start, 60)) AS left_context,
    substr(a.text, m.char_end + 1, 60) AS right_context,
    f.source_status
FROM fact_mention m
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_entity e USING (entity_key);
CREATE OR REPLACE VIEW mention_context AS FROM mention_context();
COMMENT ON MACRO TABLE mention_context IS 'The view mention_context; include_deleted := true adds the mentions of files marked deleted.';
COMMENT ON VIEW mention_context IS 'Keyword in context: every mention with the sentence around it and 60 characters either side (files marked deleted left out).';
COMMENT ON COLUMN mention_context.source_file IS 'The file of the article occurrence.';
COMMENT ON COLUMN mention_context.article_index IS 'Position of the article in its file, from 1.';
COMMENT ON COLUMN mention_context.title IS 'Title of the article.';
COMMENT ON COLUMN mention_context.entity_name IS 'Canonical name of the entity mentioned.';
COMMENT ON COLUMN mention_context.entity_type IS 'PERSON, ORG or PLACE.';
COMMENT ON COLUMN mention_context.surface IS 'The mention as written.';
COMMENT ON COLUMN mention_context.paragraph_role IS 'Where it stands: title, standfirst, body, bio or caption.';
COMMENT ON COLUMN mention_context.in_quote IS 'Whether it stands inside quotation marks.';
COMMENT ON COLUMN mention_context.sentence IS 'The sentence around the mention.';
COMMENT ON COLUMN mention_context.left_context IS 'Up to 60 characters before the mention.';
COMMENT ON COLUMN mention_context.right_context IS 'Up to 60 characters after the mention.';
COMMENT ON COLUMN mention_context.source_status IS 'Status of the file: loaded, or (only with include_deleted := true) deleted, when it has left the landing folder.';

CREATE OR REPLACE MACRO mentions_by_role(include_deleted := false) AS TABLE
SELECT
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*) FILTER (WHERE m.paragraph_role = 'title') AS in_titles,
    count(*) FILTER (WHERE m.paragraph_role = 'standfirst') AS in_standfirsts,
    count(*) FILTER (WHERE m.paragraph_role = 'body') AS in_bodies,
    count(*) FILTER (WHERE m.paragraph_role = 'bio') AS in_bios,
    count(*) FILTER (WHERE m.paragraph_role = 'caption') AS in_captions,
    count(*) FILTER (WHERE m.in_quote) AS in_quotes
FROM fact_mention m
JOIN counted_files(include_deleted) USING (source_file_key)
JOIN dim_entity e USING (entity_key)
GROUP BY ALL;
CREATE OR REPLACE VIEW mentions_by_role AS FROM mentions_by_role();
COMMENT ON MACRO TABLE mentions_by_role IS 'The view mentions_by_role; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW mentions_by_role IS 'Where in the article each entity is mentioned: titles vs standfirsts vs bodies vs bios vs captions, and inside quotations (files marked deleted left out).';
COMMENT ON COLUMN mentions_by_role.entity_name IS 'Canonical name of the entity.';
COMMENT ON COLUMN mentions_by_role.entity_type IS 'PERSON, ORG or PLACE.';
COMMENT ON COLUMN mentions_by_role.in_titles IS 'Mentions in titles.';
COMMENT ON COLUMN mentions_by_role.in_standfirsts IS 'Mentions in standfirsts.';
COMMENT ON COLUMN mentions_by_role.in_bodies IS 'Mentions in body paragraphs.';
COMMENT ON COLUMN mentions_by_role.in_bios IS 'Mentions in author or subject bios.';
COMMENT ON COLUMN mentions_by_role.in_captions IS 'Mentions in picture captions.';
COMMENT ON COLUMN mentions_by_role.in_quotes IS 'Mentions inside quotation marks, wherever they stand.';

-- Stories: near-duplicate articles (the same story republished with small edits, re-headlined,
-- truncated, with other boilerplate) share dim_article.story_id, assigned by every load.
CREATE OR REPLACE MACRO stories(include_deleted := false) AS TABLE
SELECT
    a.story_id,
    arg_min(a.title, (a.article_id <> a.story_id, f.source_file, fa.article_index)) AS title,
    count(*) AS articles,
    count(DISTINCT a.article_key) AS texts,
    count(DISTINCT fa.source_file_key) AS files,
    min(d.full_date) AS first_date,
    max(d.full_date) AS last_date,
    list(DISTINCT f.source_file ORDER BY f.source_file) AS source_files
FROM fact_article fa
JOIN counted_files(include_deleted) f USING (source_file_key)
JOIN dim_article a USING (article_key)
JOIN dim_date d USING (date_key)
GROUP BY a.story_id;
CREATE OR REPLACE VIEW stories AS FROM stories();
COMMENT ON MACRO TABLE stories IS 'The view stories; include_deleted := true counts the files marked deleted too.';
COMMENT ON VIEW stories IS 'One row per story: near-duplicate articles counted once, with how many occurrences, texts and files carry it (files marked deleted left out).';
COMMENT ON COLUMN stories.story_id IS 'The story (articles.story_id): the article_id of its earliest article.';
COMMENT ON COLUMN stories.title IS 'Title of its earliest article (the one whose article_id is story_id).';
COMMENT ON COLUMN stories.articles IS 'Article occurrences of the story.';
COMMENT ON COLUMN stories.texts IS 'Distinct texts among them (exact copies count once).';
COMMENT ON COLUMN stories.files IS 'Files holding it.';
COMMENT ON COLUMN stories.first_date IS 'Earliest publication date of its occurrences.';
COMMENT ON COLUMN stories.last_date IS 'Latest publication date of its occurrences.';
COMMENT ON COLUMN stories.source_files IS 'The files holding it, sorted.';
