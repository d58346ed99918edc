"""The knowledge base's search core (智能知识库): pure code, no Django.

- ``documents``: articles to store, read from Markdown, CSV, or the past government replies of the seed data.
- ``passages``: articles cut into sentence-aware passages, the unit that is searched and cited.
- ``terms``: the Chinese search terms of a text (jieba content words plus bigrams of words jieba does not know).
- ``search``: a BM25 index over the passages, with the article's title and question weighted in.
"""

from hotline.knowledge.documents import KINDS, ArticleDraft, read_csv, read_markdown, replies_articles
from hotline.knowledge.passages import Passage, split_passages
from hotline.knowledge.search import Hit, SearchIndex, extra_text_of

__all__ = [
    "KINDS",
    "ArticleDraft",
    "Hit",
    "Passage",
    "SearchIndex",
    "extra_text_of",
    "read_csv",
    "read_markdown",
    "replies_articles",
    "split_passages",
]
