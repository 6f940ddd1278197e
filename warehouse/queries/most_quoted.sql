-- Who is quoted most: full quotations (more than four words) per speaker, and in how many articles.
SELECT speaker_name, speaker_type, full_quotations, articles, share_of_quoted_words
FROM quotes_by_speaker
WHERE full_quotations > 0
ORDER BY full_quotations DESC, speaker_name
LIMIT 10;
