"""Split decoded files into articles and label each paragraph with its role.

Rules are written from the layout of scraped news pages, not from particular texts. `split`
cuts a file into articles, `paragraphs` labels each paragraph's role, `forms` gives the
normalised forms of text: a same-length one for matching, a canonical one for identity.
"""

from etl.articles.forms import WORD_PATTERN, matching_form, normalise  # noqa: F401
from etl.articles.paragraphs import Paragraph  # noqa: F401
from etl.articles.split import EARLIEST_PUBLISHED, SPLITTER_VERSION, Article, split_articles  # noqa: F401
