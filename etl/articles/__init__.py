"""Split decoded files into articles and label each paragraph with its role.

Rules are written from the layout of scraped news pages, not from particular texts. `split`
cuts a file into articles, `paragraphs` labels each paragraph's role, `forms` gives the
normalised forms of text: a same-length one for matching, a canonical one for identity.
"""

# Imported from here by etl.mentions and etl.quotes; everything else imports from the modules.
from etl.articles.forms import WORD_PATTERN, matching_form  # noqa: F401
from etl.articles.paragraphs import Paragraph  # noqa: F401
from etl.articles.split import split_articles  # noqa: F401
