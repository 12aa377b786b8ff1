"""``spinscope batch --engine ray``: the shards of :mod:`spinscope.scale.batch` on Ray Data.

One Ray Data row per shard; ``map_batches`` with a pool of ``workers`` actors, each loading
the models once, analyzes a shard and writes it into the dataset itself (so results do not
travel through the object store; on a cluster, ``--out`` must be a folder every node can
write, e.g. a shared file system). Ray Data restarts an actor that died and runs its task
again; the shard layout makes that safe (a shard is written whole, marked done last).
Without ``--address``, ``ray.init()`` starts a local Ray instance with one CPU per worker.

Ray is an optional extra: ``pip install "spinscope[ray]"``.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spinscope.config import Settings
from spinscope.errors import ConfigError
from spinscope.scale.batch import Shard, ShardResult
from spinscope.scale.workers import cores

#: How often Ray runs a shard again after its actor died, within one pass.
TASK_RETRIES = 2

#: Object store of a local Ray instance: shards travel as a few KB of inputs each.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(
            '--engine ray needs Ray: pip install "spinscope[ray]" (or use --engine local)'
        ) from None
    return ray


class ShardActor:
    """A Ray actor: loads the pipeline once, then analyzes and writes one shard per call."""

    def __init__(self, settings: Settings, out: str, threads: int) -> None:
        from spinscope.pipeline import load_pipeline
        from spinscope.scale.workers import set_threads

        if threads:
            set_threads(threads)  # before any model session starts
        self.settings, self.out = settings, out
        self.pipeline = load_pipeline(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from dataclasses import asdict

        from spinscope.scale.batch import run_shard

        results = [
            asdict(run_shard(pickle.loads(blob), self.out, self.settings, self.pipeline))
            for blob in batch["shard"]
        ]
        return {k: [r[k] for r in results] for k in results[0]} if results else {}


def _map_shards(dataset: Any, fn: Any, **kwargs: Any) -> Any:
    """``dataset.map_batches(fn, **kwargs)`` with a bounded retry of a dead actor's shard.

    Ray Data starts a dead actor again and retries its task, by default without end: a shard
    that kills every actor it meets (memory) would loop. ``max_task_retries`` bounds it;
    past it the pass stops and spinscope.scale.batch.run gives the unfinished shards their
    next attempt. Ray 2.60 takes it only as a deprecated extra argument (it warns; the
    warning is for us, not for users, so it is silenced); a Ray that no longer takes it
    keeps its own policy."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*ray_remote_args.* is deprecated")
        try:
            return dataset.map_batches(fn, **kwargs, max_restarts=-1,
                                       max_task_retries=TASK_RETRIES)  # fmt: skip
        except TypeError:
            return dataset.map_batches(fn, **kwargs)


def run(
    shards: list[Shard], out: Path, settings: Settings, workers: int, address: str | None
) -> Iterator[ShardResult]:
    """Run ``shards`` on Ray (``address`` of a cluster, or a local instance), yielding each
    shard's result as it finishes."""
    ray = _ray()
    if not shards:
        return
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            # One CPU per actor, and one for Ray Data's own tasks (without it the actor
            # pool waits for resources that never come free). Ray runs its workers at
            # niceness 15 by default: on a machine with any other load they starve (measured:
            # actors at 2% CPU beside other processes), unlike --engine local's workers.
            os.environ.setdefault("RAY_worker_niceness", "0")
            ray.init(
                num_cpus=workers + 1, include_dashboard=False, log_to_driver=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES, logging_level=logging.WARNING,
            )  # fmt: skip
    from ray.data import ActorPoolStrategy, DataContext
    from ray.exceptions import RayError

    context = DataContext.get_current()
    context.enable_progress_bars = False  # the CLI draws its own
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Locally the actors share this machine's cores; on a cluster each node decides.
    threads = max(1, cores() // workers) if not address else 0
    rows = [{"shard": pickle.dumps(s)} for s in shards]
    dataset = _map_shards(
        ray.data.from_items(rows, override_num_blocks=len(rows)),
        ShardActor,
        fn_constructor_args=(settings, str(out.resolve()), threads),
        batch_size=1,
        # One shard at a time per actor: an actor that dies takes one shard with it, and
        # a slow shard does not hold others queued behind it.
        compute=ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
        num_cpus=1,
    )
    try:
        for row in dataset.iter_rows():
            yield ShardResult(**row)
    except RayError as err:
        # The shards not finished are run again by the caller (spinscope.scale.batch.run).
        logging.getLogger(__name__).warning("Ray stopped the pass: %s", str(err)[:300])
