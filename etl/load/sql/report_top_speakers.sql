-- The speakers quoted most (the limit is the parameter), with those of more than four words.
SELECT speaker_name, speaker_type, quotations, full_quotations
FROM quotes_by_speaker
ORDER BY quotations DESC, speaker_name, speaker_type
LIMIT ?;
