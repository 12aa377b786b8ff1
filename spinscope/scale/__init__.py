"""Throughput with hardware: every core of one machine, then a Ray cluster.

- :mod:`spinscope.scale.workers`: N worker processes (``analyze|ingest --workers N``) and the
  one function that analyzes a chunk of inputs in a worker, shared by the CLI, the web
  server's analysis process, ``batch`` and Ray.
- :mod:`spinscope.scale.batch`: ``spinscope batch``: inputs cut into shards, each analyzed and
  written as a shard of a Parquet dataset (:mod:`spinscope.dataset`); finished shards are
  skipped on a re-run, a shard whose worker died is run again.
- :mod:`spinscope.scale.ray_engine`: the same shards on Ray Data (optional extra ``ray``).
"""
