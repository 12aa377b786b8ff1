"""Russian and Ukrainian entities: people, organisations and places in Cyrillic.

``entities.py`` here is the per-document pass (:func:`annotate_slavic`), ``places.py`` the
Cyrillic place table with its lookup, ``build.py`` the script that derives that table from
data shipped in wheels, ``ner.py`` the loader of natasha's Slovnet NER model, ``morph.py``
the lemmatiser (pymorphy3 with its ru and uk dictionaries). See ``README.md`` beside this file.
"""
