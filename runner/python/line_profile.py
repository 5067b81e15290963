"""Line profile of one function with its JIT off: where does the interpreted time go?

Run by the jitlens runner as ``python line_profile.py REQUEST.json RESULT.json``.
The request names the module source, the function and an optional setup snippet that defines
the function's arguments by name. The result lists, per line of the function, the hits, the
total time and the share of the function's time.

A JIT-compiled function cannot be line-profiled: the profiler sees only Python bytecode. So JIT
decorators on the function are removed before it runs, and the frameworks' JITs are switched off
for everything it calls (NUMBA_DISABLE_JIT, TORCHDYNAMO_DISABLE, JAX_DISABLE_JIT, TensorFlow's
eager mode). The result says which decorators were removed.
"""

import os

# Before any framework is imported: the function and its helpers run as plain Python.
os.environ["NUMBA_DISABLE_JIT"] = "1"
os.environ["TORCHDYNAMO_DISABLE"] = "1"
os.environ["JAX_DISABLE_JIT"] = "1"

import ast  # noqa: E402
import gc  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402

# Decorators that compile, by their last dotted segment, with the modules they come from.
JIT_DECORATORS = {
    "njit": "numba",
    "jit": "numba|jax",
    "vectorize": "numba",
    "guvectorize": "numba",
    "compile": "torch",
    "function": "tensorflow",
}

# How long to keep calling the function under the profiler, at most, and how many calls at most.
PROFILE_BUDGET_S = 1.0
MAX_CALLS = 1000


class ProfileError(Exception):
    """A problem with the request that the user can fix; its message says how."""


def dotted_name(node):
    """`numba.njit` for `numba.njit`, `numba.njit(...)` and `njit`; None for anything else."""
    if isinstance(node, ast.Call):
        node = node.func
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def is_jit_decorator(node, aliases):
    """Whether a decorator compiles the function (numba, torch.compile, jax.jit, tf.function)."""
    name = dotted_name(node)
    if name is None:
        return False
    head, _, _ = name.partition(".")
    resolved = aliases.get(head, head) + name[len(head):]
    last = resolved.rsplit(".", 1)[-1]
    origins = JIT_DECORATORS.get(last)
    if origins is None:
        return False
    return any(resolved.startswith(module) for module in origins.split("|"))


def import_aliases(tree):
    """Local names bound by imports, mapped to what they import (`np` -> `numpy`)."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def strip_jit(source, filename):
    """The module with every JIT decorator removed, and the decorators' source text."""
    tree = ast.parse(source, filename)
    aliases = import_aliases(tree)
    removed = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kept = []
            for decorator in node.decorator_list:
                if is_jit_decorator(decorator, aliases):
                    removed.append(f"{node.name}: @{ast.get_source_segment(source, decorator)}")
                else:
                    kept.append(decorator)
            node.decorator_list = kept
    return tree, removed


def load_function(request):
    """Executes the stripped module and returns the function, its module and what was removed."""
    filename = request.get("filename", "<jitlens>")
    tree, removed = strip_jit(request["source"], filename)
    module = types.ModuleType("jitlens_profiled")
    module.__file__ = filename
    sys.modules[module.__name__] = module
    exec(compile(tree, filename, "exec"), module.__dict__)
    target = module
    for part in request["function"].split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ProfileError(f"the module defines no function {request['function']!r}")
    if not callable(target):
        raise ProfileError(f"{request['function']!r} is not a function")
    return target, module, removed


defined_marker = object()


def build_arguments(function, module, setup):
    """Positional and keyword arguments from the setup snippet, matched by parameter name."""
    namespace = dict(module.__dict__)
    if setup:
        exec(compile(setup, "<setup>", "exec"), namespace)
    defined = {
        name: value
        for name, value in namespace.items()
        if module.__dict__.get(name, defined_marker) is not value
    }
    args, kwargs = [], {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in defined:
            value = defined[parameter.name]
        elif parameter.default is not inspect.Parameter.empty:
            continue
        else:
            raise ProfileError(
                f"no value for argument {parameter.name!r}: define it in the setup, "
                f"for example `{parameter.name} = np.random.rand(100, 3)`"
            )
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = value
        else:
            args.append(value)
    return args, kwargs


def seed_everything(seed=0):
    """Seeds numpy, torch and jax's global state where they are installed."""
    import random

    random.seed(seed)
    for module, call in (("numpy", "random.seed"), ("torch", "manual_seed")):
        if module in sys.modules:
            target = sys.modules[module]
            for part in call.split("."):
                target = getattr(target, part)
            target(seed)


def profile(request):
    """Runs the request and returns the result dictionary."""
    from line_profiler import LineProfiler

    function, module, removed = load_function(request)
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].config.run_functions_eagerly(True)
    seed_everything()
    args, kwargs = build_arguments(function, module, request.get("setup"))
    profiler = LineProfiler()
    profiled = profiler(function)
    gc.disable()
    calls = 0
    started = time.perf_counter()
    while calls < MAX_CALLS and (calls == 0 or time.perf_counter() - started < PROFILE_BUDGET_S):
        profiled(*args, **kwargs)
        calls += 1
    gc.enable()
    stats = profiler.get_stats()
    lines = []
    for (_filename, _first_line, _name), timings in stats.timings.items():
        for line, hits, total in timings:
            lines.append({"line": line, "hits": hits, "time_s": total * stats.unit})
    total_s = sum(entry["time_s"] for entry in lines)
    for entry in lines:
        entry["share"] = entry["time_s"] / total_s if total_s > 0 else 0.0
    lines.sort(key=lambda entry: entry["line"])
    return {
        "function": request["function"],
        "calls": calls,
        "total_s": total_s,
        "jit_disabled": removed,
        "lines": lines,
    }


def main(request_path, result_path):
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    try:
        result = profile(request)
    except ProfileError as error:
        result = {"error": str(error)}
    except ImportError as error:
        result = {"error": f"cannot import {error.name}: install it in this Python ({sys.executable})"}
    except Exception as error:  # The user's code failed: report it, as it is their bug to see.
        result = {"error": f"{type(error).__name__}: {error}"}
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
