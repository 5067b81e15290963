"""What the harness needs to know about each JIT: how to apply it, how to count its compiles,
how to wait for its results, and how to switch it off.

The plain decorators here stand in for the analyzer's rewrites: a job without `candidate_source`
gets `numba.njit(cache=False)`, `torch.compile`, `jax.jit` or `tf.function(jit_compile=True)`
applied to the original function as it is.
"""

import sys

FRAMEWORKS = ("numba", "torch", "jax", "tensorflow")

# Environment that switches every JIT off; tf.function is switched off by the harness itself.
JIT_OFF_ENV = {"NUMBA_DISABLE_JIT": "1", "TORCHDYNAMO_DISABLE": "1", "JAX_DISABLE_JIT": "1"}


def decorate(framework, fn):
    """The framework's plain JIT decorator applied to `fn`."""
    if framework == "numba":
        import numba

        return numba.njit(cache=False)(fn)
    if framework == "torch":
        import torch

        return torch.compile(fn)
    if framework == "jax":
        import jax

        return jax.jit(fn)
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    raise ValueError(f"unknown framework {framework!r}: use one of {', '.join(FRAMEWORKS)}")


def detect(fn):
    """Which JIT wraps `fn`, judged from the object itself; None for plain Python."""
    module = type(fn).__module__ or ""
    if module.startswith("numba"):
        return "numba"
    if hasattr(fn, "_torchdynamo_orig_callable"):
        return "torch"
    if module.startswith(("jax", "jaxlib")):
        return "jax"
    if hasattr(fn, "experimental_get_tracing_count"):
        return "tensorflow"
    return None


def compile_count(framework, fn):
    """How many compilations of `fn` have happened so far (None when it cannot be told)."""
    try:
        if framework == "numba":
            return len(fn.signatures)
        if framework == "torch":
            from torch._dynamo.utils import counters

            return int(counters["stats"]["unique_graphs"])
        if framework == "jax":
            return int(fn._cache_size())
        if framework == "tensorflow":
            return int(fn.experimental_get_tracing_count())
    except Exception:  # noqa: BLE001 - a counter that moved in a new version is not fatal
        return None
    return None


def graph_breaks():
    """torch graph breaks so far (`torch._dynamo.utils.counters["graph_break"]`)."""
    if "torch" not in sys.modules:
        return 0
    try:
        from torch._dynamo.utils import counters

        return int(sum(counters["graph_break"].values()))
    except Exception:  # noqa: BLE001
        return 0


def unwrap(framework, fn):
    """The Python function under a JIT wrapper, for line counting."""
    for attribute in ("py_func", "_torchdynamo_orig_callable", "__wrapped__", "python_function"):
        inner = getattr(fn, attribute, None)
        if inner is not None and hasattr(inner, "__code__"):
            return inner
    return fn if hasattr(fn, "__code__") else None


def device_of(values):
    """`cuda:N` when any torch tensor among `values` lives on a GPU, else `cpu`."""
    torch = sys.modules.get("torch")
    if torch is None:
        return "cpu"
    for value in values:
        if isinstance(value, torch.Tensor) and value.is_cuda:
            return str(value.device)
    return "cpu"


def make_sync(device):
    """A function that waits until the work behind a result is done.

    JAX dispatches asynchronously (block_until_ready); CUDA kernels are queued
    (torch.cuda.synchronize, as torch.utils.benchmark's timer does at both ends of a block);
    TensorFlow on a GPU is synchronised with tf.test.experimental.sync_devices.
    """
    jax = sys.modules.get("jax")
    torch = sys.modules.get("torch")
    tf = sys.modules.get("tensorflow")
    cuda = device.startswith("cuda") and torch is not None
    tf_gpu = tf is not None and bool(tf.config.list_logical_devices("GPU"))

    def sync(result=None):
        if jax is not None and result is not None:
            jax.block_until_ready(result)
        if cuda:
            torch.cuda.synchronize()
        if tf_gpu:
            tf.test.experimental.sync_devices()

    return sync
