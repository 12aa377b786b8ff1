"""Known narratives: match an article's claims to a catalog of already-debunked claims.

- :mod:`~spinscope.narratives.catalog` reads a catalog file (CSV/TSV with an id column and
  one or more text columns) and refuses a bad one with a one-line message;
- :mod:`~spinscope.narratives.index` embeds a catalog once (multilingual-e5) into an index
  stored beside it, keyed by the encoder's version;
- :mod:`~spinscope.narratives.search` ranks catalog entries for query texts (e5 cosine and
  TF-IDF cosine combined, weights tuned on CheckThat! 2020 train), re-ranks the best with
  the pair features of :mod:`~spinscope.narratives.pairs` (what the two texts share besides
  their topic) and gives the probability that a match states the same claim.

The ``narratives`` layer itself is :mod:`spinscope.analyzers.narratives`.
"""
