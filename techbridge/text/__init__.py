"""Chinese text normalisation and tokenisation (plain Python, no Django).

>>> normalise("鋰離子電池（Li-ion）")
'锂离子电池(Li-ion)'
>>> tokenise("鋰離子電池（Li-ion）的應用")
['锂离子电池', 'li-ion', '应用']
"""

from techbridge.text.normalise import normalise, strip_pinyin, to_simplified
from techbridge.text.pinyin import is_pinyin
from techbridge.text.stopwords import STOP_WORDS
from techbridge.text.terms import DOMAIN_TERMS
from techbridge.text.tokenise import (
    add_words,
    is_meaningful,
    search_key,
    tokenise,
    tokenise_for_index,
)

__all__ = [
    "DOMAIN_TERMS",
    "STOP_WORDS",
    "add_words",
    "is_meaningful",
    "is_pinyin",
    "normalise",
    "search_key",
    "strip_pinyin",
    "to_simplified",
    "tokenise",
    "tokenise_for_index",
]
