-- What did one person say: their full quotations, in article order, with the reporting word.
-- canonical_name('Finch') is Tim Finch: any name the articles use for someone works.
SELECT source_file, article_index, quote_text, verb, cue
FROM quotes
WHERE speaker_name = canonical_name('Finch') AND NOT is_fragment
ORDER BY source_file, article_index, char_start;
