"""Line profile of the original function with every JIT off: where does its time go?

Run by jl_harness.py for a job of kind "profile". A JIT-compiled function cannot be
line-profiled: the profiler sees only Python bytecode, so its figures for compiled code would be
wrong. So the harness switches the frameworks' JITs off before anything is imported
(NUMBA_DISABLE_JIT, TORCHDYNAMO_DISABLE, JAX_DISABLE_JIT; TensorFlow runs eagerly), and the JIT
decorators on the module's functions are removed before it runs; the result names them.

Each line of the function is also classed from its syntax: inside a loop (interpreted work a JIT
can take over) or calling a library kernel (matmul, einsum, linalg, fft, conv, sort: already
compiled, so compiling the caller will not make it faster).
"""

import ast
import gc
import sys
import time

# Decorators that compile, by their last dotted segment, and the packages they come from.
JIT_DECORATORS = {
    "njit": ("numba",),
    "jit": ("numba", "jax"),
    "vectorize": ("numba",),
    "guvectorize": ("numba",),
    "compile": ("torch",),
    "function": ("tensorflow",),
}

# Calls whose time is in an optimised library kernel, by their last dotted segment.
KERNELS = {
    "matmul", "mm", "bmm", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "solve",
    "inv", "pinv", "svd", "eig", "eigh", "eigvals", "cholesky", "qr", "lstsq", "det",
    "fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "fftn", "ifftn",
    "conv1d", "conv2d", "conv3d", "convolve", "correlate", "sort", "argsort",
}

# Keep calling the function under the profiler for about this long, and at most this often.
PROFILE_BUDGET_S = 1.0
MAX_CALLS = 1000


class ProfileError(Exception):
    """A problem the user can fix; the message says how."""


def dotted_name(node):
    """`numba.njit` for `numba.njit`, `numba.njit(...)`; `njit` for `njit`; else None."""
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


def import_aliases(tree):
    """Names bound by imports, mapped to what they import (`np` -> `numpy`, `njit` -> `numba.njit`)."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                aliases[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def is_jit_decorator(node, aliases):
    """Whether a decorator compiles the function it decorates."""
    name = dotted_name(node)
    if name is None:
        return False
    head, _, rest = name.partition(".")
    resolved = aliases.get(head, head) + ("." + rest if rest else "")
    packages = JIT_DECORATORS.get(resolved.rsplit(".", 1)[-1], ())
    return any(resolved.split(".")[0] == package for package in packages)


def strip_jit(source, filename):
    """The module's AST with every JIT decorator removed, and what was removed."""
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


def find_def(tree, qualified):
    """The definition of `Class.method` or `function` in the module's AST."""
    body = tree.body
    node = None
    for part in qualified.split("."):
        node = next((n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                         ast.ClassDef)) and n.name == part), None)
        if node is None:
            return None
        body = node.body
    return node


def line_classes(function_def):
    """Lines inside loops, and lines that call a library kernel, within the function."""
    loop_lines, kernel_lines = set(), set()

    def visit(node, in_loop):
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            loop_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            in_loop = True
        if isinstance(node, ast.Call):
            name = dotted_name(node)
            if name and name.rsplit(".", 1)[-1] in KERNELS:
                kernel_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            kernel_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        for child in ast.iter_child_nodes(node):
            visit(child, in_loop)

    for statement in function_def.body:
        visit(statement, False)
    return loop_lines - kernel_lines, kernel_lines


def summarize(loop_share, kernel_share, kernel_line):
    """The profile's conclusion in one sentence."""
    if kernel_share >= 0.5:
        return (f"{kernel_share:.0%} of the time is in library kernels (line {kernel_line} the "
                "most): they are compiled already, so compiling will not help")
    if loop_share >= 0.5:
        return (f"{loop_share:.0%} of the time is in interpreted loops: a JIT can take these "
                "over")
    return (f"the time is spread: {loop_share:.0%} in loops, {kernel_share:.0%} in library "
            "kernels, the rest in other Python lines")


def run(job, path):
    """Profiles `job["function"]` of `job["source"]` (written to `path`); the job's result."""
    import jl_inputs
    import jl_probe

    if "tensorflow" in sys.modules or "tensorflow" in job["source"]:
        try:
            import tensorflow

            tensorflow.config.run_functions_eagerly(True)
        except ImportError:
            pass
    try:
        from line_profiler import LineProfiler
    except ImportError:
        raise ProfileError(f"line_profiler is not installed in this Python ({sys.executable}): "
                           "pip install line_profiler") from None
    tree, removed = strip_jit(job["source"], path)
    definition = find_def(tree, job["function"])
    if definition is None:
        raise ProfileError(f"the module defines no function `{job['function']}`")
    module = type(sys)("jitlens_original")
    module.__file__ = path
    sys.modules[module.__name__] = module
    exec(compile(tree, path, "exec"), module.__dict__)  # noqa: S102 - the user's own code
    function = module
    for part in job["function"].split("."):
        function = getattr(function, part)
    _, args, kwargs = jl_inputs.cases(job.get("setup"), function, job["function"], 1)[0]

    profiler = LineProfiler()
    profiled = profiler(function)
    calls = 0
    gc.disable()
    started = time.perf_counter()
    try:
        while calls < MAX_CALLS and (calls == 0 or time.perf_counter() - started < PROFILE_BUDGET_S):
            profiled(*args, **kwargs)
            calls += 1
    finally:
        gc.enable()
    stats = profiler.get_stats()
    lines = [
        {"line": line, "hits": hits, "time_s": total * stats.unit}
        for timings in stats.timings.values()
        for line, hits, total in timings
    ]
    total_s = sum(entry["time_s"] for entry in lines)
    for entry in lines:
        entry["share"] = entry["time_s"] / total_s if total_s > 0 else 0.0
    lines.sort(key=lambda entry: entry["line"])
    loop_lines, kernel_lines = line_classes(definition)
    loop_share = sum(e["share"] for e in lines if e["line"] in loop_lines)
    kernel_share = sum(e["share"] for e in lines if e["line"] in kernel_lines)
    kernel_line = max((e for e in lines if e["line"] in kernel_lines),
                      key=lambda e: e["share"], default={"line": 0})["line"]
    profile = {
        "calls": calls,
        "total_s": total_s,
        "jit_disabled": removed,
        "lines": lines,
        "loop_share": loop_share,
        "kernel_share": kernel_share,
        "summary": summarize(loop_share, kernel_share, kernel_line),
    }
    return {"status": "done", "profile": profile, "env": jl_probe.environment()}
