"""Reprints and near-duplicates: MinHash signatures of the normalised body, LSH candidates.

State outlets and their networks republish one text under other names, with a new
title, other boilerplate, a paragraph dropped or moved. The body is normalised (the
title line and boilerplate spans removed, case and punctuation folded), cut into
overlapping word shingles, and summarised by a MinHash signature. Locality-sensitive
hashing proposes candidate pairs; a pair whose estimated Jaccard similarity is at least
:data:`THRESHOLD` is linked, and linked articles form a cluster whose earliest published
member is the presumed origin — only when every member has a publication date and one date
is the earliest alone. Otherwise the origin is unknown, and the cluster says why: an undated
copy may be the first, and the order of two same-day copies is not known.

Jaccard compares the whole shingle sets, so a copy that keeps only part of the original
clusters when it keeps at least about 80% of it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinscope.document import Document

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE = 3
#: datasketch's permutation scheme; stored signatures are only comparable within one.
SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)


def normalised_body(doc: Document) -> str:
    """The article body as lower-case words: no title line, no boilerplate, no punctuation."""
    parts = []
    title = (doc.meta.title or "").strip()
    for start, end in doc.content_ranges():
        chunk = doc.text[start:end]
        if start == 0 and title and chunk.lstrip().startswith(title):
            chunk = chunk.lstrip()[len(title) :]
        parts.append(chunk)
    text = unicodedata.normalize("NFKC", " ".join(parts)).casefold()
    return " ".join(_WORD.findall(text))


def text_hash(doc: Document) -> str:
    """Hash of the normalised text (case, spacing and punctuation folded).

    It uses the whole text, not the body without boilerplate, because it must be the same
    before analysis (when ingest decides whether an input is already stored) and after.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", doc.text).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]


def shingles(body: str, size: int = SHINGLE) -> set[bytes]:
    words = body.split()
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(doc: Document) -> bytes | None:
    """The MinHash signature of ``doc``'s normalised body as bytes (None for an empty body)."""
    from datasketch import MinHash

    grams = shingles(normalised_body(doc))
    if not grams:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    mh.update_batch(list(grams))
    return mh.hashvalues.astype(np.uint32).tobytes()


def _minhash(blob: bytes) -> Any:
    from datasketch import MinHash

    values = np.frombuffer(blob, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashvalues=values)


def similar(blob: bytes, others: dict[str, bytes]) -> dict[str, float]:
    """Keys of ``others`` whose estimated Jaccard similarity to ``blob`` is >= THRESHOLD.

    A vectorised scan (no LSH): cheap enough for one new article against a whole corpus,
    and it decides whether the clusters need recomputing at all.
    """
    if not others:
        return {}
    keys = list(others)
    matrix = np.frombuffer(b"".join(others[k] for k in keys), dtype=np.uint32)
    matrix = matrix.reshape(len(keys), NUM_PERM)
    scores = (matrix == np.frombuffer(blob, dtype=np.uint32)).mean(axis=1)
    return {k: float(v) for k, v in zip(keys, scores, strict=True) if v >= THRESHOLD}


@dataclass
class Member:
    key: str
    #: Estimated Jaccard similarity to the origin, or to the closest other member when
    #: the origin is unknown.
    similarity: float
    is_origin: bool


@dataclass
class Cluster:
    #: Members, the origin first when it is known, then by date (undated last) and key.
    members: list[Member]
    #: Why the origin is unknown; None when the first member is the presumed origin.
    origin_unknown: str | None = None


def origin_unknown_reason(keys: list[str], published: dict[str, str | None]) -> str | None:
    """Why no member of a cluster can be called its origin, or None when one can: the
    only member with the earliest date, when every member is dated."""
    undated = [k for k in keys if not published.get(k)]
    if len(undated) == len(keys):
        return "no member has a publication date"
    if undated:
        return (
            f"{len(undated)} of {len(keys)} members have no publication date, "
            "and any of them may have been published first"
        )
    first = min(str(published[k]) for k in keys)
    tied = sum(1 for k in keys if str(published[k]) == first)
    if tied > 1:
        return f"{tied} members share the earliest publication date, {first}"
    return None


def cluster(signatures: dict[str, bytes], published: dict[str, str | None]) -> list[Cluster]:
    """Group documents whose estimated Jaccard similarity is >= THRESHOLD.

    ``published`` gives each key's ISO date (or None). The earliest member is the presumed
    origin only when :func:`origin_unknown_reason` finds no reason to doubt it; members
    are ordered by date (undated last), ties by key so that the result is stable.
    """
    from datasketch import MinHashLSH

    hashes = {key: _minhash(blob) for key, blob in signatures.items()}
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for key, mh in hashes.items():
        lsh.insert(key, mh)
    parent = {key: key for key in hashes}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for key, mh in hashes.items():
        for other in lsh.query(mh):
            if other != key and mh.jaccard(hashes[other]) >= THRESHOLD:
                parent[find(other)] = find(key)
    groups: dict[str, list[str]] = {}
    for key in hashes:
        groups.setdefault(find(key), []).append(key)
    clusters = []
    for keys in groups.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (published.get(k) is None, published.get(k) or "", k))
        reason = origin_unknown_reason(keys, published)
        if reason is None:
            origin = hashes[keys[0]]
            members = [
                Member(k, round(float(origin.jaccard(hashes[k])), 3), i == 0)
                for i, k in enumerate(keys)
            ]
        else:
            members = [
                Member(k, round(max(float(hashes[k].jaccard(hashes[o])) for o in keys
                                    if o != k), 3), False)
                for k in keys
            ]  # fmt: skip
        clusters.append(Cluster(members, reason))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0].key))
    return clusters
