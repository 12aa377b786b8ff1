"""Analysed documents as tables: the contract flattened to rows (:mod:`.rows`) and datasets
of Parquet shards (:mod:`.parquet`), shared by ``batch``, ``export`` and ``ingest --from``."""
