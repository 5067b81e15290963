"""The inputs a job calls its functions with: captured by a trace, from the user's setup code,
or inferred.

With `samples_file` (a job with `inputs`: a trace's argument sets, written beside the job by the
runner), each complete captured set is a case, in capture order.

With `setup`, the code runs once per seed (numpy, random, torch and TensorFlow seeded first;
`SEED` and, when the setup mentions jax, a `KEY = jax.random.PRNGKey(SEED)` are defined for it),
and the names it defines are matched to the function's parameters. Without it, a simple spec
is guessed from parameter names and defaults; the analyzer's input specs will replace this guess.
"""

import inspect
import random
import sys


class InputError(Exception):
    """The inputs cannot be built; the message tells the user what to do."""


# Timing sizes; equivalence also runs smaller ones.
SIZE_1D = 10_000
SIZE_POINTS = 300
SIZE_MATRIX = 256

INT_NAMES = {"n", "m", "k", "size", "length", "count", "steps", "n_steps", "iterations", "iters",
             "n_iter", "num", "num_steps", "n_points", "depth"}
FLOAT_NAMES = {"alpha", "beta", "gamma", "eps", "epsilon", "tol", "threshold", "scale", "lr",
               "rate", "dt", "temperature", "sigma", "mu", "p", "factor", "weight", "c"}
POINT_NAMES = {"points", "pts", "coords", "positions", "xyz", "X", "particles", "locations"}
MATRIX_NAMES = {"A", "B", "M", "mat", "matrix", "W", "weights", "img", "image", "grid", "board",
                "field", "kernel", "adj", "adjacency"}
VECTOR_NAMES = {"x", "y", "z", "a", "b", "v", "u", "w", "arr", "array", "data", "values", "vec",
                "vector", "signal", "seq", "series", "xs", "ys", "input", "inputs", "tensor", "t",
                "s", "prices", "samples", "logits", "scores", "q", "r", "h"}


def seed_everything(seed):
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        tf.random.set_seed(seed)


def _bind(fn_name, signature, namespace, source_label):
    args, kwargs = [], {}
    positional = True
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.name in namespace:
            value = namespace[parameter.name]
            if positional and parameter.kind != parameter.KEYWORD_ONLY:
                args.append(value)
            else:
                kwargs[parameter.name] = value
            continue
        if parameter.default is not parameter.empty:
            positional = False
            continue
        raise InputError(
            f"{source_label} does not define `{parameter.name}`, a parameter of {fn_name}: "
            f"define it in the setup code, e.g. `{parameter.name} = np.random.rand(1000)`"
        )
    return args, kwargs


def from_setup(setup, fn, fn_name, signature, seed):
    """Runs `setup` under `seed` and binds the names it defines to the parameters.

    The setup sees the modules that the function's module imported (`np`, `torch`, ...), so
    `x = np.ones(100)` works without repeating the import; nothing else of that module.
    """
    import numpy  # noqa: F401 - seeded below when the setup uses it

    seed_everything(seed)
    namespace = {name: value for name, value in fn.__globals__.items() if inspect.ismodule(value)}
    namespace.update({"SEED": seed, "__name__": "jitlens_setup"})
    if "jax" in setup:
        import jax

        namespace["KEY"] = jax.random.PRNGKey(seed)
    exec(compile(setup, "<setup>", "exec"), namespace)  # noqa: S102 - the user's own code
    return _bind(fn_name, signature, namespace, "the setup")


def _library(fn):
    """The array library the function's module imports: torch, jax, tensorflow or numpy."""
    modules = {getattr(value, "__name__", "") for value in fn.__globals__.values()
               if inspect.ismodule(value)}
    for library in ("torch", "jax.numpy", "jax", "tensorflow"):
        if library in modules:
            return library.split(".")[0]
    return "numpy"


def _array(library, shape, rng):
    import numpy as np

    data = rng.standard_normal(shape)
    if library == "torch":
        import torch

        return torch.from_numpy(data.astype(np.float32))
    if library == "jax":
        import jax.numpy as jnp

        return jnp.asarray(data.astype(np.float32))
    if library == "tensorflow":
        import tensorflow as tf

        return tf.constant(data.astype(np.float32))
    return data


def inferred(fn, fn_name, signature, seed, scale):
    """Guesses inputs from parameter names; `scale` 1.0 is the timing size."""
    import numpy as np

    rng = np.random.default_rng(seed)
    library = _library(fn)
    namespace = {}
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        name = parameter.name
        if parameter.default is not parameter.empty:
            continue
        if name in INT_NAMES or name.startswith(("n_", "num_")):
            namespace[name] = max(2, int(1000 * scale))
        elif name in FLOAT_NAMES:
            namespace[name] = 0.5
        elif name in POINT_NAMES:
            namespace[name] = _array(library, (max(2, int(SIZE_POINTS * scale)), 3), rng)
        elif name in MATRIX_NAMES:
            side = max(2, int(SIZE_MATRIX * scale))
            namespace[name] = _array(library, (side, side), rng)
        elif name in VECTOR_NAMES:
            namespace[name] = _array(library, (max(2, int(SIZE_1D * scale)),), rng)
        else:
            raise InputError(
                f"cannot infer an input for `{name}`, a parameter of {fn_name}: pass setup code "
                f"that defines it, e.g. --setup \"{name} = np.random.rand(1000)\""
            )
    return _bind(fn_name, signature, namespace, "the inferred input spec")


def cases(setup, fn, fn_name, seeds):
    """Input cases as (label, args, kwargs); the first one is also the timing case."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as error:
        raise InputError(f"cannot read the parameters of {fn_name}: {error}") from None
    out = []
    if setup:
        for seed in range(seeds):
            args, kwargs = from_setup(setup, fn, fn_name, signature, seed)
            out.append((f"setup, seed {seed}", args, kwargs))
        return out
    for seed, scale in enumerate((1.0, 0.01, 0.1)[:max(1, seeds)]):
        args, kwargs = inferred(fn, fn_name, signature, seed, scale)
        out.append((f"inferred inputs, size x{scale:g}, seed {seed}", args, kwargs))
    return out


SAMPLES_MAGIC = b"JITLENS-SAMPLES 1\n"


def captured(path):
    """The complete argument sets in a samples file, as cases in capture order."""
    import json
    import pickle

    out = []
    left_out = []
    with open(path, "rb") as stream:
        if stream.readline() != SAMPLES_MAGIC:
            raise InputError(f"{path} is not a jitlens samples file")
        while header := stream.readline():
            meta = json.loads(header)
            data = stream.read(meta["bytes"])
            if not meta["complete"]:
                left_out.append(meta)
                continue
            try:
                sample = pickle.loads(data)
            except Exception as error:  # noqa: BLE001 - a class the job cannot import
                raise InputError(f"captured call {meta['call']} cannot be unpickled here "
                                 f"({type(error).__name__}: {error}): run the job in the "
                                 "interpreter the trace ran in") from None
            out.append((f"captured call {meta['call']}", tuple(sample["args"]), sample["kwargs"]))
    if not out:
        reasons = "; ".join(str(meta["omitted"]) for meta in left_out) or "none were kept"
        raise InputError(f"no complete argument set was captured ({reasons})")
    return out
