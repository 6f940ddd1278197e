"""Split decoded files into articles and label each paragraph with its role.

Rules are written from the layout of scraped news pages, not from particular texts. `split`
cuts a file into articles, `paragraphs` labels each paragraph's role, `forms` gives the
normalised forms of text: a same-length one for matching, a canonical one for identity.
"""
