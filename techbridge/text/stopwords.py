"""Stop words dropped by :func:`techbridge.text.tokenise.tokenise`.

A deliberately small, domain-neutral list: Chinese function words (particles, prepositions,
conjunctions, pronouns, light verbs) and common English function words. Content words that are
merely frequent ("研究", "技术") are kept, since a search for them must still work. English words
that double as technical abbreviations once lower-cased are left out on purpose: "it" (IT),
"am" (additive manufacturing), "no" (nitric oxide), "do" (dissolved oxygen), "us", "as".
Entries are in normalised form: simplified characters, lower-case Latin.
"""

from __future__ import annotations

_CHINESE = """
的 地 得 之 了 着 过
和 与 及 以及 或 或者 并 并且 而 而且 但 但是 且 即 则 如 若 因 因为 所以 因此 从而 由于
在 于 对 对于 关于 为 为了 以 由 从 被 把 将 向 给 通过 基于 针对
其 其中 之一 中 上 下 本 该 此 这 这些 这种 等 等等 一种 一个 一些
是 有 也 都 又 还 就 不 已 已经 所 可 能 能够 可以 使 使得 进行 具有
我 我们 他 它 本文
"""

_ENGLISH = """
a an the and or but of in on at to for from by with into
is are was were be been has have had this that these those its our their we they than via
"""

STOP_WORDS: frozenset[str] = frozenset(_CHINESE.split()) | frozenset(_ENGLISH.split())
