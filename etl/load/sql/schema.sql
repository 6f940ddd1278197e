-- Star schema of the news-mentions warehouse. Applied on every load (idempotent).
-- Surrogate keys are BIGINTs derived from the natural key with md5, so they are
-- stable across rebuilds: an incremental load and a clean build give the same keys.

CREATE TABLE IF NOT EXISTS etl_meta (
    key             VARCHAR PRIMARY KEY,
    value           VARCHAR
);
COMMENT ON TABLE etl_meta IS 'Facts about the warehouse itself, e.g. the schema version that built it.';
COMMENT ON COLUMN etl_meta.key IS 'Name of the fact (schema_version, comments_version).';
COMMENT ON COLUMN etl_meta.value IS 'Its value.';

CREATE TABLE IF NOT EXISTS dim_source_file (
    source_file_key BIGINT PRIMARY KEY,
    source_file     VARCHAR NOT NULL UNIQUE,
    sha256          VARCHAR,
    size_bytes      BIGINT,
    encoding        VARCHAR,
    repair          VARCHAR,
    status          VARCHAR NOT NULL CHECK (status IN ('loaded', 'rejected', 'deleted')),
    reason          VARCHAR,
    pipeline_version VARCHAR,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    last_loaded_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE dim_source_file IS 'One row per file name ever seen in the landing folder, describing its latest version.';
COMMENT ON COLUMN dim_source_file.source_file_key IS 'Surrogate key (stable hash of the file name).';
COMMENT ON COLUMN dim_source_file.source_file IS 'File name as dropped in the landing folder, without folder.';
COMMENT ON COLUMN dim_source_file.sha256 IS 'SHA-256 of the file bytes last loaded (NULL when the file was rejected unread: unreadable or too large).';
COMMENT ON COLUMN dim_source_file.size_bytes IS 'Size of the file in bytes.';
COMMENT ON COLUMN dim_source_file.encoding IS 'Character encoding the file was decoded from.';
COMMENT ON COLUMN dim_source_file.repair IS 'Repair applied after decoding (e.g. mojibake fixed), or NULL when the text was used as decoded.';
COMMENT ON COLUMN dim_source_file.status IS 'loaded, rejected (see reason) or deleted (gone from the landing folder; its data is kept).';
COMMENT ON COLUMN dim_source_file.reason IS 'Why the file was rejected, in words.';
COMMENT ON COLUMN dim_source_file.pipeline_version IS 'Splitter and extractor versions that produced its rows; a newer pipeline reprocesses the file.';
COMMENT ON COLUMN dim_source_file.first_seen_at IS 'When the file name was first loaded.';
COMMENT ON COLUMN dim_source_file.last_loaded_at IS 'When this file name was last (re)loaded or marked.';

CREATE TABLE IF NOT EXISTS dim_article (
    article_key     BIGINT PRIMARY KEY,
    text_hash       VARCHAR NOT NULL UNIQUE,
    article_id      VARCHAR NOT NULL,
    title           VARCHAR,
    standfirst      VARCHAR,
    byline          VARCHAR,
    captions        VARCHAR,
    body            VARCHAR NOT NULL,
    text            VARCHAR NOT NULL,
    minhash         UINTEGER[],
    story_id        VARCHAR
);
COMMENT ON TABLE dim_article IS 'One row per distinct article text; the same article in two files shares this row. What a file says about its copy (such as its publication date) belongs to the occurrence, in fact_article.';
COMMENT ON COLUMN dim_article.article_key IS 'Surrogate key (stable hash of text_hash).';
COMMENT ON COLUMN dim_article.text_hash IS 'SHA-256 of the exact article text (mention offsets point into this text).';
COMMENT ON COLUMN dim_article.article_id IS 'Content hash of the normalised article text (NFC, folded quotes and dashes, collapsed whitespace): copies that differ only in typography share it.';
COMMENT ON COLUMN dim_article.title IS 'Headline, or NULL when the article starts straight with body text.';
COMMENT ON COLUMN dim_article.standfirst IS 'The one-paragraph summary under the headline, if any.';
COMMENT ON COLUMN dim_article.byline IS 'Author bio lines at the end of the article ("X is associate director at IPPR").';
COMMENT ON COLUMN dim_article.captions IS 'Photo captions ("... Photograph: Getty Images"), one per line.';
COMMENT ON COLUMN dim_article.body IS 'Body paragraphs, separated by blank lines.';
COMMENT ON COLUMN dim_article.text IS 'The whole article exactly as in the source file (after decoding); mention offsets point into it.';
COMMENT ON COLUMN dim_article.minhash IS 'MinHash signature (128 values) of the word 5-shingles of its standfirst and body, which story clustering compares; NULL when they have no words.';
COMMENT ON COLUMN dim_article.story_id IS 'The story it belongs to: the article_id of the story''s earliest article. Near-duplicates (republished with small edits, re-headlined, truncated) share it; recomputed by every load.';

CREATE TABLE IF NOT EXISTS dim_entity (
    entity_key      BIGINT PRIMARY KEY,
    canonical_name  VARCHAR NOT NULL,
    entity_type     VARCHAR NOT NULL CHECK (entity_type IN ('PERSON', 'ORG', 'PLACE')),
    mention_count   BIGINT,
    article_count   BIGINT,
    file_count      BIGINT,
    first_seen_date DATE,
    last_seen_date  DATE,
    UNIQUE (canonical_name, entity_type)
);
COMMENT ON TABLE dim_entity IS 'One row per canonical entity (person, organisation or place) mentioned anywhere.';
COMMENT ON COLUMN dim_entity.entity_key IS 'Surrogate key (stable hash of type and canonical name).';
COMMENT ON COLUMN dim_entity.canonical_name IS 'Canonical name: full name of a person, expanded name of an organisation or place.';
COMMENT ON COLUMN dim_entity.entity_type IS 'PERSON, ORG (parties, unions, media, bodies, companies) or PLACE.';
COMMENT ON COLUMN dim_entity.mention_count IS 'Mentions of the entity in the whole warehouse (kept current by every load).';
COMMENT ON COLUMN dim_entity.article_count IS 'Article occurrences that mention it.';
COMMENT ON COLUMN dim_entity.file_count IS 'Source files that mention it.';
COMMENT ON COLUMN dim_entity.first_seen_date IS 'Earliest publication date of an article mentioning it (NULL when none is dated).';
COMMENT ON COLUMN dim_entity.last_seen_date IS 'Latest publication date of an article mentioning it.';

CREATE TABLE IF NOT EXISTS dim_entity_alias (
    entity_key      BIGINT NOT NULL,
    alias           VARCHAR NOT NULL,
    PRIMARY KEY (entity_key, alias)
);
COMMENT ON TABLE dim_entity_alias IS 'Every distinct surface string that was resolved to an entity.';
COMMENT ON COLUMN dim_entity_alias.entity_key IS 'The entity (dim_entity).';
COMMENT ON COLUMN dim_entity_alias.alias IS 'A string found in the text for it, e.g. Miliband for Ed Miliband.';

CREATE TABLE IF NOT EXISTS dim_date (
    date_key        INTEGER PRIMARY KEY,
    full_date       DATE UNIQUE,
    year            INTEGER,
    quarter         INTEGER,
    month           INTEGER,
    month_name      VARCHAR,
    iso_year        INTEGER,
    iso_week        INTEGER,
    day_of_month    INTEGER,
    iso_weekday     INTEGER,
    weekday_name    VARCHAR,
    is_weekend      BOOLEAN
);
COMMENT ON TABLE dim_date IS 'Calendar of every day in the years the data spans, plus date_key 0 for an unknown date.';
COMMENT ON COLUMN dim_date.date_key IS 'YYYYMMDD, or 0 for unknown.';
COMMENT ON COLUMN dim_date.full_date IS 'The calendar date (NULL for the unknown member).';
COMMENT ON COLUMN dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN dim_date.quarter IS 'Calendar quarter, 1-4.';
COMMENT ON COLUMN dim_date.month IS 'Month number, 1-12.';
COMMENT ON COLUMN dim_date.month_name IS 'Month name in English.';
COMMENT ON COLUMN dim_date.iso_year IS 'ISO-8601 week-numbering year.';
COMMENT ON COLUMN dim_date.iso_week IS 'ISO-8601 week number, 1-53.';
COMMENT ON COLUMN dim_date.day_of_month IS 'Day of the month, 1-31.';
COMMENT ON COLUMN dim_date.iso_weekday IS 'ISO weekday: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN dim_date.weekday_name IS 'Weekday name in English.';
COMMENT ON COLUMN dim_date.is_weekend IS 'Saturday or Sunday.';
INSERT INTO dim_date (date_key) VALUES (0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS fact_article (
    source_file_key BIGINT NOT NULL,
    article_index   INTEGER NOT NULL,
    article_key     BIGINT NOT NULL,
    date_key        INTEGER NOT NULL,
    char_start      INTEGER NOT NULL,
    char_end        INTEGER NOT NULL,
    word_count      INTEGER NOT NULL,
    mention_count   INTEGER NOT NULL,
    entity_count    INTEGER NOT NULL
);
COMMENT ON TABLE fact_article IS 'Grain: one article occurrence in a source file.';
COMMENT ON COLUMN fact_article.source_file_key IS 'The file it was found in (dim_source_file).';
COMMENT ON COLUMN fact_article.article_index IS '1-based position of the article within its file.';
COMMENT ON COLUMN fact_article.article_key IS 'The article content (dim_article).';
COMMENT ON COLUMN fact_article.date_key IS 'Publication date this file gives the article (dim_date); 0 when it gives none.';
COMMENT ON COLUMN fact_article.char_start IS 'Offset of the article start in the decoded file.';
COMMENT ON COLUMN fact_article.char_end IS 'Offset just past the article end in the decoded file.';
COMMENT ON COLUMN fact_article.word_count IS 'Words in the article (all paragraphs).';
COMMENT ON COLUMN fact_article.mention_count IS 'Entity mentions found in this article occurrence.';
COMMENT ON COLUMN fact_article.entity_count IS 'Distinct entities mentioned in this article occurrence.';

CREATE TABLE IF NOT EXISTS fact_mention (
    source_file_key BIGINT NOT NULL,
    article_index   INTEGER NOT NULL,
    article_key     BIGINT NOT NULL,
    entity_key      BIGINT NOT NULL,
    date_key        INTEGER NOT NULL,
    char_start      INTEGER NOT NULL,
    char_end        INTEGER NOT NULL,
    surface         VARCHAR NOT NULL,
    paragraph_index INTEGER NOT NULL,
    paragraph_role  VARCHAR NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence_start  INTEGER NOT NULL,
    sentence_end    INTEGER NOT NULL,
    in_quote        BOOLEAN NOT NULL,
    extractor_version VARCHAR NOT NULL
);
COMMENT ON TABLE fact_mention IS 'Grain: one mention of an entity at one place in one article occurrence.';
COMMENT ON COLUMN fact_mention.source_file_key IS 'The file (dim_source_file).';
COMMENT ON COLUMN fact_mention.article_index IS '1-based position of the article within its file.';
COMMENT ON COLUMN fact_mention.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN fact_mention.entity_key IS 'The entity mentioned (dim_entity).';
COMMENT ON COLUMN fact_mention.date_key IS 'Publication date of the article (dim_date); 0 when unknown.';
COMMENT ON COLUMN fact_mention.char_start IS 'Offset of the mention in dim_article.text.';
COMMENT ON COLUMN fact_mention.char_end IS 'Offset just past the mention in dim_article.text.';
COMMENT ON COLUMN fact_mention.surface IS 'The exact text of the mention.';
COMMENT ON COLUMN fact_mention.paragraph_index IS '0-based paragraph of the article the mention is in.';
COMMENT ON COLUMN fact_mention.paragraph_role IS 'title, standfirst, body, bio or caption.';
COMMENT ON COLUMN fact_mention.sentence_index IS '0-based sentence within the paragraph.';
COMMENT ON COLUMN fact_mention.sentence_start IS 'Offset of the start of the sentence containing the mention, in dim_article.text.';
COMMENT ON COLUMN fact_mention.sentence_end IS 'Offset just past the end of that sentence.';
COMMENT ON COLUMN fact_mention.in_quote IS 'True when the mention sits inside a direct quotation.';
COMMENT ON COLUMN fact_mention.extractor_version IS 'Version of the extraction rules that produced it.';

CREATE TABLE IF NOT EXISTS fact_quote (
    source_file_key BIGINT NOT NULL,
    article_index   INTEGER NOT NULL,
    article_key     BIGINT NOT NULL,
    date_key        INTEGER NOT NULL,
    char_start      INTEGER NOT NULL,
    char_end        INTEGER NOT NULL,
    paragraph_index INTEGER NOT NULL,
    quote_text      VARCHAR NOT NULL,
    word_count      INTEGER NOT NULL,
    is_fragment     BOOLEAN NOT NULL,
    speaker_entity_key BIGINT,
    cue             VARCHAR NOT NULL CHECK (cue IN ('name', 'org', 'pronoun', 'role', 'previous', 'none')),
    rule            VARCHAR,
    verb            VARCHAR,
    quotes_version  VARCHAR NOT NULL
);
COMMENT ON TABLE fact_quote IS 'Grain: one direct quotation in one article occurrence, with who said it when a rule could tell.';
COMMENT ON COLUMN fact_quote.source_file_key IS 'The file (dim_source_file).';
COMMENT ON COLUMN fact_quote.article_index IS '1-based position of the article within its file.';
COMMENT ON COLUMN fact_quote.article_key IS 'The article content (dim_article); offsets point into its text.';
COMMENT ON COLUMN fact_quote.date_key IS 'Publication date this file gives the article (dim_date); 0 when it gives none.';
COMMENT ON COLUMN fact_quote.char_start IS 'Offset of the opening quotation mark in the article text.';
COMMENT ON COLUMN fact_quote.char_end IS 'Offset just past the closing mark (or the end of the paragraph, when the quotation is left open there).';
COMMENT ON COLUMN fact_quote.paragraph_index IS '0-based paragraph of the article the quotation stands in.';
COMMENT ON COLUMN fact_quote.quote_text IS 'The quotation as written, quotation marks included.';
COMMENT ON COLUMN fact_quote.word_count IS 'Words inside the quotation.';
COMMENT ON COLUMN fact_quote.is_fragment IS 'Four words or fewer ("unelected"): analysts often leave these out.';
COMMENT ON COLUMN fact_quote.speaker_entity_key IS 'Who said or wrote it (dim_entity, a PERSON or an ORG); NULL when no rule could tell.';
COMMENT ON COLUMN fact_quote.cue IS 'How the speaker is signalled: name, org, pronoun, role, previous (carried over from what came before) or none.';
COMMENT ON COLUMN fact_quote.rule IS 'The attribution rule that fired, e.g. verb-after-quote, pronoun-he, continues-previous-quote.';
COMMENT ON COLUMN fact_quote.verb IS 'The reporting word nearest the quotation (said, told, according to; a colon), when one stands there.';
COMMENT ON COLUMN fact_quote.quotes_version IS 'Version of the quotation rules that produced it.';
