"""Languages: identification (:mod:`.identify`) and the lexicon of word choices that
mark whose conventions an article follows (:mod:`.wording`)."""
