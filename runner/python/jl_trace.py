"""Runs a whole program with every JIT off and records its own functions: how often each is
called, with which argument types and shapes, where the time goes, and a few real argument sets
to replay. The Python half of `jitlens trace`; standard library only, CPython 3.10 to 3.13.

    INTERP jl_trace.py --spool DIR --root ROOT [--samples N] [--max-sample-mb M] -- script.py ARGS
    INTERP jl_trace.py --spool DIR --root ROOT [...] -- -m package.module ARGS

The program runs as `INTERP script.py ARGS` or `INTERP -m package.module ARGS` would: the same
sys.argv, sys.path[0] (the script's real folder, or the current folder for -m), a fresh
`__main__` module. Its output is its own (the tracer writes only `jitlens trace: ...` lines to
stderr), and so is its exit: a SystemExit's code, 1 and the usual traceback for an uncaught
exception, death by SIGINT for an uncaught KeyboardInterrupt, death by SIGTERM for SIGTERM.
Before the program starts, NUMBA_DISABLE_JIT, TORCHDYNAMO_DISABLE and JAX_DISABLE_JIT are set and
TensorFlow is made to run its functions eagerly as soon as it is imported; `jit_disabled` names
the frameworks the program imported.

Recorded are the project's functions: code under ROOT (real paths), outside the interpreter's
prefixes, the standard library and site-packages, not this file, not in test files (`test_*.py`,
`*_test.py`, `conftest.py`); lambdas, comprehensions, module and class bodies are not functions,
and their time is their caller's. Per function, wall-clock time (`time.perf_counter`): `own_s` is
the time in the function and in unrecorded code it calls (NumPy, the standard library), not in
recorded callees, added up over threads (each with its own stack); `cumulative_s` is the time
during which at least one call of it was running, so recursion and calls in several threads at
once count once and it never exceeds `wall_s`. A generator's time counts only while it runs.
Time in unrecorded code called from unrecorded code (a test runner) is nobody's, and the time
taken to pickle samples is in no `own_s`. Python 3.12+ uses sys.monitoring (foreign code is
switched off after its first event), older versions sys.setprofile and threading.setprofile
(a program that sets its own profile function, cProfile, ends the recording there). `name` is
the qualified name without `.<locals>` (`co_qualname`; on 3.10 from the file's syntax tree)
and `line` the `def` line, also for decorated functions.

Each call's signature describes every parameter's value (`{"type": "int"}`; arrays of NumPy,
torch, JAX and TensorFlow as `{"type": "ndarray", "library": ..., "dtype": ..., "shape": ...}`,
an unknown size -1, with torch's `device`; NumPy scalars with `"library": "numpy"`; lists and
tuples with `len`; *args as a tuple, **kwargs as a dict).
At most 64 distinct signatures are counted per function; past them `signatures_overflow` is
true. Samples: at most N argument sets per function (--samples, default 8), pickled at call entry
into DIR/samples/<i>-<k>.pkl (i: the function's order of first call, k: its sample number) as
`{"args": [...], "kwargs": {...}}` for `f(*s["args"], **s["kwargs"])`. A call is sampled when its
signature is new, and otherwise when its call number is a power of two (2, 4, 8, ...) while
fewer than half the slots (rounded up) are used, so that later new signatures still find room.
An argument that cannot be pickled, or whose pickle is over --max-sample-mb (default 16), is
left out (None in its place among positional arguments) and named with the reason in `omitted`;
the sample is then not `complete`.

DIR/trace.json is replaced atomically when tracing starts, every 0.5 s while the program runs
(`complete` false; SIGKILL keeps the last one) and when it ends (`complete` true, with
`exit_code` as a shell reports it and `error` naming an uncaught exception or signal).

Overhead, measured from the repository root on a 2-core x86 VM, best of 5 runs, L being
tests/fixtures/trace/loop_program: untraced `NUMBA_DISABLE_JIT=1 python L/main.py [--helpers]`,
traced `python runner/python/jl_trace.py --spool /tmp/spool --root L -- L/main.py [--helpers]`.
The loop program: 3.11 (sys.setprofile) 0.99 -> 1.27 s wall (1.29x), 3.12 (sys.monitoring)
0.98 -> 1.19 s (1.22x); 3.10 1.32x, 3.13 1.12x. With --helpers, the worst case (its inner loop
calls a two-line helper, 1.02 million calls): 3.11 0.94 -> 3.90 s (4.2x), 3.12 0.93 -> 3.77 s
(4.1x); 3.10 4.3x, 3.13 3.1x: each call of a recorded function costs about 2 to 3 us.
"""

import argparse
import ast
import builtins
import io
import itertools
import json
import opcode
import os
import pickle
import runpy
import signal
import site
import sys
import sysconfig
import threading
import time
import tokenize
import types
from importlib.machinery import SourceFileLoader

# As jl_frameworks.JIT_OFF_ENV (repeated: this file runs on its own, nothing beside it imported).
JIT_OFF_ENV = {"NUMBA_DISABLE_JIT": "1", "TORCHDYNAMO_DISABLE": "1", "JAX_DISABLE_JIT": "1"}
FRAMEWORKS = ("numba", "torch", "jax", "tensorflow")

SNAPSHOT_INTERVAL_S = 0.5
MAX_SIGNATURES = 64
PICKLE_PROTOCOL = 4  # every Python 3 reads it; 5 would need 3.8+ on the reading side too

# Code flags, as in `inspect`.
CO_OPTIMIZED = 0x01
CO_VARARGS = 0x04
CO_VARKEYWORDS = 0x08
CO_SUSPENDABLE = 0x20 | 0x80 | 0x200  # generator, coroutine, async generator

# Parameter roles, in call order.
POSITIONAL, VAR_POSITIONAL, KEYWORD, VAR_KEYWORD = range(4)

# Array classes by (top-level module, class name) anywhere in a value's MRO, and their library.
ARRAY_CLASSES = {
    ("numpy", "ndarray"): "numpy",
    ("torch", "Tensor"): "torch",
    ("jax", "Array"): "jax",  # jax.Array, a base of jaxlib's ArrayImpl
    ("tensorflow", "Tensor"): "tensorflow",
    ("tensorflow", "Variable"): "tensorflow",
}

RESUME = opcode.opmap.get("RESUME")  # 3.11+; setprofile's generator entries are told by it
OWN_FILE = os.path.realpath(__file__)
UNSEEN = object()
WRITES = itertools.count()  # numbers temporary files apart, even for a write inside a write


def warn(message):
    """One line of the tracer's own on stderr."""
    print(f"jitlens trace: {message}", file=sys.stderr, flush=True)


def parse_args(argv):
    """The tracer's options, with `program`: the command line after `--`."""
    parser = argparse.ArgumentParser(
        prog="jitlens trace",
        usage="%(prog)s --spool DIR --root ROOT [options] -- (script.py | -m module) [ARGS ...]",
    )
    parser.add_argument("--spool", required=True, help="folder for trace.json and samples/")
    parser.add_argument("--root", required=True, help="the project's folder")
    parser.add_argument("--samples", type=int, default=8, help="argument sets kept per function")
    parser.add_argument("--max-sample-mb", type=float, default=16.0,
                        help="largest pickle kept for one argument")
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    options.program = argv[split + 1:]
    if not options.program or options.program == ["-m"]:
        parser.error("give the program after `--`: script.py ARGS or -m module ARGS")
    return options


class EagerTensorFlow:
    """Import hook: once `tensorflow` is imported, `tf.function`s run eagerly (uncompiled)."""

    def find_spec(self, name, path=None, target=None):
        """The spec the other finders give `tensorflow`, its loader made to turn tf.function off."""
        if name != "tensorflow":
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    break
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_eagerly(module):
            exec_module(module)
            try:
                module.config.run_functions_eagerly(True)
            except Exception as error:  # noqa: BLE001 - an old TensorFlow stays as it is
                warn(f"could not make TensorFlow run eagerly: {error}")

        spec.loader.exec_module = exec_eagerly
        return spec


def switch_jits_off():
    """Numba, torch.compile and jax.jit off by environment; TensorFlow eager once imported."""
    os.environ.update(JIT_OFF_ENV)
    sys.meta_path.insert(0, EagerTensorFlow())


def is_within(path, folder):
    """Whether `path` is `folder` or inside it (both real, absolute)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def library_folders():
    """The interpreter's prefixes, standard library and site-packages folders (real paths)."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths = sysconfig.get_paths()
    folders.update(paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    folders.update(site.getsitepackages())
    folders.add(site.getusersitepackages())
    return {os.path.realpath(folder) for folder in folders if folder}


def is_test_file(name):
    """Whether a file name is pytest's: `test_*.py`, `*_test.py`, `conftest.py`."""
    return (name.startswith("test_") and name.endswith(".py") or name.endswith("_test.py")
            or name == "conftest.py")


def collect_definitions(found, node, prefix):
    """Adds every function under `node` to `found`: (first line, name) -> (qualname, def line)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            qualname = prefix + child.name
            if not isinstance(child, ast.ClassDef):
                # A decorated function's code object starts at its first decorator.
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found[(first, child.name)] = (qualname, child.lineno)
            collect_definitions(found, child, qualname + ".")
        else:
            collect_definitions(found, child, prefix)


def read_definitions(path):
    """The functions of a source file, as `collect_definitions` finds them; {} if unreadable."""
    try:
        with tokenize.open(path) as file:
            tree = ast.parse(file.read(), path)
    except Exception:  # noqa: BLE001 - a file that will not parse keeps the code's own names
        return {}
    found = {}
    collect_definitions(found, tree, "")
    return found


def parameters(code):
    """The parameters as (name, role) in call order: positional, *args, keyword-only, **kwargs."""
    names = code.co_varnames
    positional, keyword = code.co_argcount, code.co_kwonlyargcount
    params = [(name, POSITIONAL) for name in names[:positional]]
    extra = positional + keyword
    if code.co_flags & CO_VARARGS:
        params.append((names[extra], VAR_POSITIONAL))
        extra += 1
    params.extend((name, KEYWORD) for name in names[positional:positional + keyword])
    if code.co_flags & CO_VARKEYWORDS:
        params.append((names[extra], VAR_KEYWORD))
    return params


class Project:
    """Which code objects are the project's functions, and what to call them."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        # A prefix that holds the project (a checkout inside a venv's folder) is not excluded.
        self.libraries = [f for f in library_folders() if not is_within(self.root, f)]
        self.files = {}  # co_filename -> path relative to the root, or None
        self.definitions = {}  # co_filename -> read_definitions()

    def relative_file(self, filename):
        """The file's path relative to the root with `/`, or None when it is not the project's."""
        if filename in self.files:
            return self.files[filename]
        relative = None
        if not filename.startswith("<"):
            path = os.path.realpath(filename)
            if (is_within(path, self.root) and path != OWN_FILE
                    and not is_test_file(os.path.basename(path))
                    and not any(is_within(path, folder) for folder in self.libraries)):
                relative = os.path.relpath(path, self.root).replace(os.sep, "/")
        self.files[filename] = relative
        return relative

    def name_and_line(self, code):
        """The function's qualified name without `.<locals>`, and its `def` line."""
        table = self.definitions.get(code.co_filename)
        if table is None:
            table = self.definitions[code.co_filename] = read_definitions(code.co_filename)
        name, line = table.get((code.co_firstlineno, code.co_name),
                               (code.co_name, code.co_firstlineno))
        if hasattr(code, "co_qualname"):
            name = code.co_qualname.replace(".<locals>", "")
        return name, line


class Signature:
    """One distinct signature of a function: its parameters described, and its calls."""

    __slots__ = ("index", "params", "calls")

    def __init__(self, index, params):
        self.index = index
        self.params = params
        self.calls = 1


class Function:
    """What the trace knows of one of the project's functions."""

    __slots__ = ("index", "name", "file", "line", "names", "roles", "classes_of", "suspendable",
                 "calls", "own_s", "cumulative_s", "active", "since", "until", "signatures",
                 "overflow", "samples")

    def __init__(self, index, code, file, name, line):
        self.index = index
        self.name = name
        self.file = file
        self.line = line
        params = parameters(code)
        self.names = tuple(name for name, _ in params)
        self.roles = tuple(role for _, role in params)
        self.classes_of = classes_function(self.names)
        self.suspendable = bool(code.co_flags & CO_SUSPENDABLE)
        self.calls = 0
        self.own_s = 0.0
        self.cumulative_s = 0.0
        # Frames of it running now, in all threads. `cumulative_s` adds up stretches during which
        # one ran, from `since` to when none was left; they never overlap (each starts at `until`,
        # the end of the last, or later), even when a thread switch makes some `now` stale.
        self.active = 0
        self.since = 0.0
        self.until = 0.0
        self.signatures = {}  # signature key -> Signature
        self.overflow = False
        self.samples = []


def classes_function(names):
    """A function from a frame to the classes of its parameters `names`: the signature key of a
    call whose arguments are all scalars or plain objects (what `signature_key` gives them).
    Generated for each function, because it runs on every call and a loop costs twice as much."""
    items = "".join(f"type(local[{name!r}]), " for name in names)
    source = f"def classes_of(frame):\n    local = frame.f_locals\n    return ({items})\n"
    if not names:
        source = "def classes_of(frame):\n    return ()\n"
    namespace = {}
    exec(source, {"type": type}, namespace)  # noqa: S102 - names are identifiers from co_varnames
    return namespace["classes_of"]


# (library, category) by class: category "array", "scalar" (NumPy's), "sequence" or "object".
KINDS = {}


def kind_of(cls):
    """(library or None, category) of a class, judged by its MRO's modules (nothing imported)."""
    kind = KINDS.get(cls)
    if kind is not None:
        return kind
    kind = (None, "object")
    for base in cls.__mro__:
        top = str(getattr(base, "__module__", "")).partition(".")[0]
        library = ARRAY_CLASSES.get((top, base.__name__))
        if library is not None:
            kind = (library, "array")
            break
        if (top, base.__name__) == ("numpy", "generic"):
            kind = ("numpy", "scalar")
            break
    if kind == (None, "object") and issubclass(cls, (list, tuple)):
        kind = (None, "sequence")
    KINDS[cls] = kind
    return kind


def signature_key(values):
    """A hashable key that is equal for calls whose arguments describe the same."""
    key = []
    for value in values:
        cls = type(value)
        category = (KINDS.get(cls) or kind_of(cls))[1]
        if category == "object" or category == "scalar":
            key.append(cls)
        elif category == "sequence":
            key.append((cls, len(value)))
        else:
            key.append((cls, value.dtype, tuple(value.shape), getattr(value, "device", None)))
    return tuple(key)


def dtype_name(dtype):
    """`float32` for NumPy's, JAX's, torch's and TensorFlow's float32."""
    name = getattr(dtype, "name", None)
    return name if isinstance(name, str) else str(dtype).rpartition(".")[2]


def describe(value):
    """A value's description in a signature."""
    cls = type(value)
    library, category = kind_of(cls)
    if category == "array":
        shape = [size if isinstance(size, int) else -1 for size in value.shape]  # None: -1
        described = {"type": "ndarray", "library": library, "dtype": dtype_name(value.dtype),
                     "shape": shape}
        if library == "torch":
            described["device"] = str(value.device)
        return described
    described = {"type": cls.__name__}
    if library is not None:
        described["library"] = library
    if category == "sequence":
        described["len"] = len(value)
    return described


class SampleTooLarge(Exception):
    """An argument's pickle passed the size limit."""


class CappedBuffer(io.BytesIO):
    """A pickle's bytes, refused past `limit`."""

    def __init__(self, limit):
        super().__init__()
        self.limit = limit

    def write(self, data):
        """Appends `data`, or raises SampleTooLarge when that would pass the limit."""
        if self.tell() + len(data) > self.limit:
            raise SampleTooLarge
        return super().write(data)


class Pickled:
    """An argument's pickle, embedded as it is in a sample: loading the sample loads it."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return pickle.loads, (self.data,)


def write_atomically(path, data):
    """Writes `data` (bytes) to `path` through a temporary file, so readers never see half."""
    temporary = f"{path}.{os.getpid()}-{next(WRITES)}.tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


class Nobody:
    """The bottom of every stack: takes the time no recorded function is running (and drops it)."""

    __slots__ = ("own_s",)

    def __init__(self):
        self.own_s = 0.0


NOBODY = Nobody()


def new_stack(stacks):
    """A thread's stack, listed in `stacks`: [start of the top's current stretch, NOBODY, then
    the Function of each recorded frame running, innermost last]."""
    stack = [time.perf_counter(), NOBODY]
    stacks.append(stack)
    return stack


class ThreadStacks(threading.local):
    """`stack` is the calling thread's stack (sys.monitoring calls back in every thread)."""

    def __init__(self, stacks):
        self.stack = new_stack(stacks)


class Tracer:
    """The trace of one run: the project's functions met so far and the spool they go to."""

    def __init__(self, options):
        self.project = Project(options.root)
        self.spool = os.path.abspath(options.spool)
        self.program = options.program
        self.sample_limit = max(options.samples, 0)
        self.repeat_limit = (self.sample_limit + 1) // 2
        self.max_sample_bytes = int(options.max_sample_mb * 2**20)
        # id(code) -> Function, or None when it is not the project's (ids hash faster than code
        # objects; `seen` keeps the code objects alive, so that no id is reused).
        self.codes = {}
        self.seen = []
        self.functions = []
        self.stacks = []  # every thread's stack (new_stack)
        self.hooks = None
        self.monitor = None
        self.started = time.perf_counter()
        self.pid = os.getpid()
        self.lock = threading.RLock()  # the SIGTERM handler may write while the main thread does
        # New code objects, signatures and samples, which threads could otherwise add twice.
        self.adding = threading.RLock()
        self.done = threading.Event()
        self.finished = False
        self.warned = set()
        os.makedirs(os.path.join(self.spool, "samples"), exist_ok=True)

    def function_of(self, code):
        """The Function for a code object seen for the first time, or None if not recorded."""
        with self.adding:
            function = self.codes.get(id(code), UNSEEN)
            if function is not UNSEEN:
                return function  # another thread was first
            function = None
            if code.co_flags & CO_OPTIMIZED and not code.co_name.startswith("<"):
                file = self.project.relative_file(code.co_filename)
                if file is not None:
                    name, line = self.project.name_and_line(code)
                    function = Function(len(self.functions), code, file, name, line)
                    self.functions.append(function)
            self.seen.append(code)
            self.codes[id(code)] = function
            return function

    def on_call(self, function, frame):
        """Counts a call (entered, not resumed; already in `function.calls`) under its signature
        and keeps a sample when one is due; whether that took long enough to read the clock
        again. The hooks count repeated plain signatures themselves, without calling this."""
        try:
            local = frame.f_locals
            values = [local[name] for name in function.names]
            key = signature_key(values)
        except Exception:  # noqa: BLE001 - an odd value must not break the program
            return False
        signature = function.signatures.get(key)
        if signature is not None:
            signature.calls += 1
            calls = function.calls
            if calls & (calls - 1) or len(function.samples) >= self.repeat_limit:
                return False
        with self.adding:
            return self.add_call(function, signature, key, values)

    def add_call(self, function, signature, key, values):
        """on_call's rare part: a new signature (None before), a sample, or both."""
        if signature is None:
            signature = function.signatures.get(key)
            if signature is not None:  # another thread added it meanwhile
                signature.calls += 1
                return False
            if len(function.signatures) >= MAX_SIGNATURES:
                function.overflow = True
                return False
            signature = self.new_signature(function, key, values)
            if len(function.samples) >= self.sample_limit:
                return True
        elif len(function.samples) >= self.repeat_limit:
            return False  # another thread took the slot
        self.keep_sample(function, signature, values)
        return True

    def new_signature(self, function, key, values):
        """Describes a signature met for the first time and counts its first call."""
        params = {}
        for name, value in zip(function.names, values):
            try:
                params[name] = describe(value)
            except Exception:  # noqa: BLE001 - an array-like without a usable dtype or shape
                params[name] = {"type": type(value).__name__}
        signature = Signature(len(function.signatures), params)
        function.signatures[key] = signature
        return signature

    def keep_sample(self, function, signature, values):
        """Pickles the call's arguments to DIR/samples/<i>-<k>.pkl and lists the sample."""
        if os.getpid() != self.pid:
            return  # a forked child: the parent's samples are not to be overwritten
        args, kwargs, omitted = [], {}, {}
        for name, role, value in zip(function.names, function.roles, values):
            if role == POSITIONAL:
                args.append(self.pickled(name, value, omitted))
            elif role == VAR_POSITIONAL:
                args.extend(self.pickled(f"{name}[{i}]", item, omitted)
                            for i, item in enumerate(value))
            elif role == KEYWORD:
                kwargs[name] = self.pickled(name, value, omitted)
            else:
                kwargs.update((key, self.pickled(f"{name}[{key!r}]", item, omitted))
                              for key, item in value.items())
        kwargs = {key: piece for key, piece in kwargs.items() if piece is not None}
        relative = f"samples/{function.index}-{len(function.samples)}.pkl"
        try:
            data = pickle.dumps({"args": args, "kwargs": kwargs}, protocol=PICKLE_PROTOCOL)
            write_atomically(os.path.join(self.spool, relative), data)
        except OSError as error:
            self.warn_once("samples", f"could not write a sample: {error}")
            return
        function.samples.append({"file": relative, "signature": signature.index,
                                 "call": function.calls, "bytes": len(data),
                                 "complete": not omitted, "omitted": omitted})

    def pickled(self, label, value, omitted):
        """The value's pickle, ready to embed in a sample; None, with the reason put in
        `omitted[label]`, when it cannot be pickled or is too large."""
        limit = self.max_sample_bytes
        try:
            if kind_of(type(value))[1] == "array" and getattr(value, "nbytes", 0) > limit:
                raise SampleTooLarge
            buffer = CappedBuffer(limit)
            pickle.Pickler(buffer, protocol=PICKLE_PROTOCOL).dump(value)
        except SampleTooLarge:
            omitted[label] = f"pickle over {limit / 2**20:g} MB"
        except Exception as error:  # noqa: BLE001 - whatever pickling raises stays here
            omitted[label] = f"cannot pickle: {type(error).__name__}: {error}"
        else:
            return Pickled(buffer.getvalue())
        return None

    def unwind(self, stack, function, now):
        """Closes `function`'s frame when it is not on top (frames above it missed their exit
        event); an exit with no frame of it on this thread's stack is ignored."""
        depth = next((i for i in range(len(stack) - 1, 1, -1) if stack[i] is function), None)
        if depth is None:
            return
        stack[-1].own_s += now - stack[0]
        for closed in stack[depth:]:
            closed.active -= 1
            if not closed.active and now > closed.since:
                closed.cumulative_s += now - closed.since
                closed.until = now
        del stack[depth:]
        stack[0] = now

    def start(self):
        """Writes the first snapshot, starts the snapshot thread (before the hooks, which would
        otherwise profile it under setprofile), then the hooks."""
        self.hooks = MonitoringHooks(self) if MonitoringHooks.available() else ProfileHooks(self)
        self.monitor = self.hooks.name
        self.write(complete=False)
        threading.Thread(target=self.write_snapshots, name="jitlens-trace", daemon=True).start()
        self.hooks.install()

    def finish(self, exit_code, error):
        """Stops tracing and writes the final trace.json; later calls do nothing."""
        hooks, self.hooks = self.hooks, None
        if hooks is None:
            return
        hooks.remove()
        self.done.set()
        self.write(complete=True, exit_code=exit_code, error=error)

    def write_snapshots(self):
        """Rewrites trace.json every SNAPSHOT_INTERVAL_S until the program ends."""
        while not self.done.wait(SNAPSHOT_INTERVAL_S):
            self.write(complete=False)

    def write(self, complete, exit_code=None, error=None):
        """Replaces DIR/trace.json with the trace so far; after the final write, nothing."""
        with self.lock:
            if self.finished or os.getpid() != self.pid:
                return
            try:
                text = json.dumps(self.trace(complete, exit_code, error))
                write_atomically(os.path.join(self.spool, "trace.json"), text.encode())
            except Exception as failure:  # noqa: BLE001 - the next snapshot may do better
                self.warn_once("trace", f"could not write trace.json: {failure}")
            self.finished = complete

    def trace(self, complete, exit_code, error):
        """trace.json's content, counting the frames still running as if they ended now."""
        now = time.perf_counter()
        running = {}
        for stack in list(self.stacks):
            since, function = stack[0], stack[-1]
            if function is not NOBODY:
                running[function] = running.get(function, 0.0) + now - since
        functions = [function_json(function, running.get(function, 0.0), now)
                     for function in list(self.functions)]
        functions.sort(key=lambda function: function["own_s"], reverse=True)
        return {
            "version": 1,
            "complete": complete,
            "root": self.project.root,
            "argv": self.program,
            "python": sys.executable,
            "python_version": ".".join(map(str, sys.version_info[:3])),
            "wall_s": round(now - self.started, 6),
            "traced_s": round(sum(function["own_s"] for function in functions), 6),
            "exit_code": exit_code,
            "error": error,
            "jit_disabled": [name for name in FRAMEWORKS if name in sys.modules],
            "monitor": self.monitor,
            "functions": functions,
        }

    def warn_once(self, topic, message):
        """Warns about `topic` the first time only."""
        if topic not in self.warned:
            self.warned.add(topic)
            warn(message)


def function_json(function, running_s, now):
    """One entry of trace.json's `functions`; `running_s`: own time of its frames running now."""
    running = function.active and now > function.since
    cumulative_s = function.cumulative_s + (now - function.since if running else 0.0)
    return {
        "name": function.name,
        "file": function.file,
        "line": function.line,
        "calls": function.calls,
        "own_s": round(function.own_s + running_s, 6),
        "cumulative_s": round(cumulative_s, 6),
        "signatures": [{"params": signature.params, "calls": signature.calls}
                       for signature in list(function.signatures.values())],
        "signatures_overflow": function.overflow,
        "samples": list(function.samples),
    }


# The two hooks below repeat the same bookkeeping inline: a helper call per event would cost
# more than the rest of the event.


class MonitoringHooks:
    """sys.monitoring callbacks (Python 3.12+): foreign code is switched off after one event."""

    name = "sys.monitoring"

    def __init__(self, tracer):
        self.tracer = tracer
        self.tool = None
        self.events = ()

    @staticmethod
    def available():
        """Whether sys.monitoring exists and has a free tool id."""
        return hasattr(sys, "monitoring") and MonitoringHooks.free_tool() is not None

    @staticmethod
    def free_tool():
        """A free tool id; the unassigned 3 and 4 first, so a program's own cProfile (which
        takes PROFILER_ID), coverage or debugger still finds its id."""
        return next((tool for tool in (4, 3, 5, 2, 1, 0) if sys.monitoring.get_tool(tool) is None),
                    None)

    def install(self):
        """Registers the callbacks and switches their events on."""
        monitoring = sys.monitoring
        self.tool = self.free_tool()
        monitoring.use_tool_id(self.tool, "jitlens trace")
        callbacks = self.callbacks()
        for event, callback in callbacks.items():
            monitoring.register_callback(self.tool, event, callback)
        self.events = tuple(callbacks)
        monitoring.set_events(self.tool, sum(self.events))

    def remove(self):
        """Switches the events off and frees the tool id."""
        monitoring = sys.monitoring
        monitoring.set_events(self.tool, 0)
        for event in self.events:
            monitoring.register_callback(self.tool, event, None)
        monitoring.free_tool_id(self.tool)

    def callbacks(self):
        """The callback of each event."""
        tracer = self.tracer
        codes = tracer.codes
        function_of = tracer.function_of
        on_call = tracer.on_call
        unwind = tracer.unwind
        repeat_limit = tracer.repeat_limit
        threads = ThreadStacks(tracer.stacks)
        clock = time.perf_counter
        get_frame = sys._getframe
        disable = sys.monitoring.DISABLE
        events = sys.monitoring.events

        def start(code, offset):
            function = codes.get(id(code), UNSEEN)
            if function is UNSEEN:
                function = function_of(code)
            if function is None:
                return disable
            now = clock()
            stack = threads.stack
            stack[-1].own_s += now - stack[0]
            calls = function.calls = function.calls + 1
            frame = get_frame(1)
            try:
                signature = function.signatures.get(function.classes_of(frame))
            except Exception:  # noqa: BLE001 - on_call copes
                signature = None
            if signature is not None and (calls & (calls - 1)
                                          or len(function.samples) >= repeat_limit):
                signature.calls += 1
            elif on_call(function, frame):
                now = clock()  # a sample's time is nobody's
            if not function.active:
                function.since = now if now > function.until else function.until
            function.active += 1
            stack.append(function)
            stack[0] = now
            return None

        def resume(code, offset):
            function = codes.get(id(code), UNSEEN)
            if function is UNSEEN:
                function = function_of(code)
            if function is None:
                return disable
            now = clock()
            stack = threads.stack
            stack[-1].own_s += now - stack[0]
            if not function.active:
                function.since = now if now > function.until else function.until
            function.active += 1
            stack.append(function)
            stack[0] = now
            return None

        def leave(code, offset, value):
            function = codes.get(id(code), UNSEEN)
            if function is UNSEEN:
                function = function_of(code)
            if function is None:
                return disable
            now = clock()
            stack = threads.stack
            if stack[-1] is not function:
                unwind(stack, function, now)
                return None
            function.own_s += now - stack[0]
            stack.pop()
            stack[0] = now
            function.active -= 1
            if not function.active and now > function.since:
                function.cumulative_s += now - function.since
                function.until = now
            return None

        def thrown(code, offset, exception):
            resume(code, offset)  # PY_THROW cannot be disabled: its DISABLE is dropped

        def unwound(code, offset, exception):
            leave(code, offset, exception)  # PY_UNWIND cannot be disabled either

        return {
            events.PY_START: start,
            events.PY_RESUME: resume,
            events.PY_THROW: thrown,
            events.PY_RETURN: leave,
            events.PY_YIELD: leave,
            events.PY_UNWIND: unwound,
        }


def first_entry(frame):
    """Whether a setprofile "call" event of a generator's frame starts it (not resumes it)."""
    if frame.f_lasti < 0:  # 3.10
        return True
    code = frame.f_code.co_code  # 3.11: the first RESUME has argument 0, later ones not
    return code[frame.f_lasti] == RESUME and code[frame.f_lasti + 1] == 0


class ProfileHooks:
    """sys.setprofile and threading.setprofile (Python 3.10, 3.11): every event reaches Python,
    so the foreign ones return at the first dictionary lookup."""

    name = "sys.setprofile"

    def __init__(self, tracer):
        self.tracer = tracer

    def install(self):
        """Profiles this thread, and every thread started from now on with a stack of its own."""
        tracer = self.tracer

        def start_thread(frame, event, arg):
            profile = self.profile_function(new_stack(tracer.stacks))
            sys.setprofile(profile)
            profile(frame, event, arg)

        threading.setprofile(start_thread)
        sys.setprofile(self.profile_function(new_stack(tracer.stacks)))

    def remove(self):
        """Stops profiling this thread and threads started later."""
        sys.setprofile(None)
        threading.setprofile(None)

    def profile_function(self, stack):
        """A profile function for one thread, keeping its frames on `stack`."""
        tracer = self.tracer
        codes = tracer.codes
        function_of = tracer.function_of
        on_call = tracer.on_call
        unwind = tracer.unwind
        repeat_limit = tracer.repeat_limit
        clock = time.perf_counter

        def profile(frame, event, arg):
            if event == "call":
                code = frame.f_code
                function = codes.get(id(code), UNSEEN)
                if function is UNSEEN:
                    function = function_of(code)
                if function is None:
                    return
                now = clock()
                stack[-1].own_s += now - stack[0]
                if not function.suspendable or first_entry(frame):
                    calls = function.calls = function.calls + 1
                    try:
                        signature = function.signatures.get(function.classes_of(frame))
                    except Exception:  # noqa: BLE001 - on_call copes
                        signature = None
                    if signature is not None and (calls & (calls - 1)
                                                  or len(function.samples) >= repeat_limit):
                        signature.calls += 1
                    elif on_call(function, frame):
                        now = clock()  # a sample's time is nobody's
                if not function.active:
                    function.since = now if now > function.until else function.until
                function.active += 1
                stack.append(function)
                stack[0] = now
            elif event == "return":
                function = codes.get(id(frame.f_code))
                if function is None:
                    return
                now = clock()
                if stack[-1] is not function:
                    unwind(stack, function, now)
                    return
                function.own_s += now - stack[0]
                stack.pop()
                stack[0] = now
                function.active -= 1
                if not function.active and now > function.since:
                    function.cumulative_s += now - function.since
                    function.until = now

        return profile


def new_main_module():
    """A fresh `__main__` for the program, so that it does not run in the tracer's globals."""
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    return main


def set_path0(folder):
    """Puts the program's sys.path[0] in place of the tracer's folder, as Python would (not
    under -I or -P, where Python adds none)."""
    if not (sys.flags.isolated or getattr(sys.flags, "safe_path", False)):
        sys.path[0] = folder


def run_program(program):
    """Runs `script.py ARGS` or `-m module ARGS` as the interpreter would run it."""
    if program[0] == "-m":
        sys.argv = ["-m", *program[2:]]  # -m shows "-m" until the module is found
        set_path0(os.getcwd())
        new_main_module()
        runpy._run_module_as_main(program[1])  # what -m itself calls
        return
    sys.argv = list(program)
    path = os.path.abspath(program[0])  # __file__ of __main__ is absolute since Python 3.9
    if not os.path.exists(path):
        warn(f"can't open file {path!r}: no such file or directory")
        raise SystemExit(2)
    if os.path.isdir(path) or path.endswith((".pyz", ".zip")):
        set_path0(path)
        runpy.run_path(path, run_name="__main__")
        return
    set_path0(os.path.dirname(os.path.realpath(path)))
    with io.open_code(path) as file:
        code = compile(file.read(), path, "exec", dont_inherit=True)
    main = new_main_module()
    main.__file__ = path
    main.__cached__ = None
    main.__loader__ = SourceFileLoader("__main__", path)
    exec(code, main.__dict__)  # noqa: S102 - the user's program


def exit_status(code):
    """The exit status a SystemExit's code gives (Python prints any other object, then exits 1)."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def error_text(error):
    """`ZeroDivisionError: division by zero`."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails
        message = ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def program_traceback(traceback):
    """The traceback without its leading frames in the tracer (runpy's stay: -m shows them)."""
    own = program_traceback.__code__.co_filename
    while traceback is not None and traceback.tb_frame.f_code.co_filename == own:
        traceback = traceback.tb_next
    return traceback


def report_uncaught(error):
    """Prints an uncaught exception as Python would have for the program, and silences
    Python's own report, so that re-raising it only sets the exit (1; SIGINT for Ctrl-C)."""
    error.__traceback__ = program_traceback(error.__traceback__)  # what Python's hook prints
    sys.excepthook(type(error), error, error.__traceback__)
    sys.excepthook = lambda *_: None


def catch_sigterm(tracer):
    """On SIGTERM, writes the final trace, then dies of the signal as the program would have;
    unless SIGTERM was not going to kill it (ignored or handled when the tracer started)."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def terminated(signum, frame):
        tracer.finish(128 + signum, f"terminated by {signal.Signals(signum).name}")
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    signal.signal(signal.SIGTERM, terminated)


def main():
    """Traces the program given after `--`; exits as it exits."""
    options = parse_args(sys.argv[1:])
    switch_jits_off()
    try:
        tracer = Tracer(options)
    except OSError as error:
        warn(f"could not use the spool folder: {error}")
        raise SystemExit(2) from None
    catch_sigterm(tracer)
    tracer.start()
    try:
        run_program(options.program)
    except SystemExit as stop:
        tracer.finish(exit_status(stop.code), None)
        raise
    except BaseException as error:
        tracer.finish(130 if isinstance(error, KeyboardInterrupt) else 1, error_text(error))
        report_uncaught(error)
        raise
    tracer.finish(0, None)


if __name__ == "__main__":
    main()
