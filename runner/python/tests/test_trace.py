"""The tracer behind `jitlens trace`, run for real on small programs (tests/fixtures/trace and
sources written here), under whichever Python runs the tests: sys.setprofile before 3.12,
sys.monitoring from 3.12 on."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TRACER = Path(__file__).resolve().parents[1] / "jl_trace.py"
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "trace"
JIT_OFF = {"NUMBA_DISABLE_JIT": "1", "TORCHDYNAMO_DISABLE": "1", "JAX_DISABLE_JIT": "1"}

NAMES = """\
import functools


def logged(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


class Model:
    @logged
    def forward(self, x):
        return x + 1

    @staticmethod
    def build():
        return Model()


def outer(n):
    def inner(k):
        return k + n
    return inner(1)


def run():
    squares = [v * v for v in range(3)]
    return Model.build().forward(outer(2)) + (lambda: sum(squares))()


run()
"""

SHOWS_ITS_WORLD = """\
import os
import sys

print(__name__, sys.argv, sys.path[0], os.path.basename(__file__))
sys.exit(int(sys.argv[-1]))
"""

UNPICKLABLE = """\
import numpy as np


def combine(weights, callback, log, *, scale=1.0):
    return callback(weights.sum() * scale)


with open(__file__) as log:
    combine(np.ones((2, 5)), lambda total: total, log, scale=2.0)
"""

RECURSION = """\
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(21))
"""

LONG_RUNNING = """\
def step(i):
    total = 0
    for k in range(20000):
        total += k * i
    return total


while True:
    step(3)
"""

GENERATOR = """\
def numbers(n):
    for i in range(n):
        yield i * i


def total(n):
    return sum(numbers(n))


print(total(50), total(10))
"""

THREADS = """\
from concurrent.futures import ThreadPoolExecutor


def square(x):
    total = 0
    for _ in range(2000):
        total += x * x
    return total


with ThreadPoolExecutor(8) as pool:
    print(sum(pool.map(square, range(400))))
"""

MANY_SHAPES = """\
import numpy as np


def measure(values):
    return len(values)


for n in range(70):
    measure(tuple(range(n)))
big = np.zeros((1024, 1024))  # 8 MiB
for _ in range(3):
    measure(big)
"""


def trace(spool, root, program, cwd=None, options=()):
    """Runs `program` (arguments after `--`) under the tracer; the finished process and its
    trace.json (None when there is none)."""
    completed = subprocess.run(
        [sys.executable, str(TRACER), "--spool", str(spool), "--root", str(root), *options,
         "--", *program],
        cwd=cwd or root, capture_output=True, text=True, timeout=300, check=False,
    )
    path = Path(spool) / "trace.json"
    return completed, json.loads(path.read_text()) if path.exists() else None


def untraced(program, cwd):
    """Runs `program` as the interpreter would, every JIT off."""
    return subprocess.run([sys.executable, *program], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env=dict(os.environ, **JIT_OFF))


def write_program(tmp_path, source):
    """`main.py` with `source`, in its own folder under tmp_path (the project root)."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "main.py").write_text(source)
    return root


def function(result, name):
    """The entry of `name` in the trace's functions (one, or the test fails)."""
    matches = [entry for entry in result["functions"] if entry["name"] == name]
    assert len(matches) == 1, [entry["name"] for entry in result["functions"]]
    return matches[0]


def load_sample(spool, sample):
    with open(Path(spool) / sample["file"], "rb") as file:
        return pickle.load(file)


@pytest.fixture(scope="module")
def loop_run(tmp_path_factory):
    """The loop program traced once, with its untraced output to compare."""
    pytest.importorskip("numba")
    spool = tmp_path_factory.mktemp("spool")
    root = FIXTURES / "loop_program"
    completed, result = trace(spool, root, ["main.py"])
    return {"spool": spool, "completed": completed, "result": result,
            "untraced": untraced(["main.py"], root)}


def test_loop_program_runs_unchanged(loop_run):
    completed, result = loop_run["completed"], loop_run["result"]
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == loop_run["untraced"].stdout
    assert completed.stdout.count("\n") == 2
    assert result["complete"] and result["exit_code"] == 0 and result["error"] is None
    assert result["argv"] == ["main.py"]
    assert "numba" in result["jit_disabled"]
    expected_monitor = "sys.monitoring" if sys.version_info >= (3, 12) else "sys.setprofile"
    assert result["monitor"] == expected_monitor


def test_loop_function_holds_most_of_the_time(loop_run):
    result = loop_run["result"]
    top = result["functions"][0]
    assert (top["name"], top["file"], top["line"]) == ("pairwise_distances", "kernels.py", 7)
    assert top["own_s"] > 0.5 * result["traced_s"], result["functions"]
    assert top["own_s"] <= top["cumulative_s"] <= result["wall_s"]
    assert result["traced_s"] <= result["wall_s"]


def test_njit_helper_ran_as_python(loop_run):
    nearest = function(loop_run["result"], "nearest")
    assert (nearest["file"], nearest["line"], nearest["calls"]) == ("kernels.py", 41, 2)
    assert nearest["own_s"] > 0


def test_each_shape_is_a_signature_with_a_sample(loop_run):
    pairwise = function(loop_run["result"], "pairwise_distances")
    assert pairwise["calls"] == 2
    assert [s["params"] for s in pairwise["signatures"]] == [
        {"points": {"type": "ndarray", "library": "numpy", "dtype": "float64", "shape": [n, 3]}}
        for n in (300, 500)
    ]
    assert [s["calls"] for s in pairwise["signatures"]] == [1, 1]
    assert [s["signature"] for s in pairwise["samples"]] == [0, 1]
    for sample, n in zip(pairwise["samples"], (300, 500)):
        assert sample["complete"] and sample["omitted"] == {}
        replay = load_sample(loop_run["spool"], sample)
        assert replay["kwargs"] == {}
        (points,) = replay["args"]
        assert points.shape == (n, 3) and str(points.dtype) == "float64"
        assert sample["bytes"] == os.path.getsize(loop_run["spool"] / sample["file"])


def test_pytest_run_records_the_library_not_the_tests(tmp_path):
    root = FIXTURES / "suite"
    completed, result = trace(tmp_path, root, ["-m", "pytest", "tests/"])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "3 passed" in completed.stdout
    recorded = {(entry["name"], entry["file"]): entry["calls"] for entry in result["functions"]}
    assert recorded == {("mean", "mathlib/ops.py"): 2, ("dot", "mathlib/ops.py"): 1}
    mean = function(result, "mean")
    assert [s["params"]["values"] for s in mean["signatures"]] == [
        {"type": "list", "len": 3}, {"type": "list", "len": 1}]


def test_crash_keeps_the_calls_before_it(tmp_path):
    root = FIXTURES / "crash_program"
    completed, result = trace(tmp_path, root, ["main.py"])
    assert completed.returncode == 1
    assert completed.stdout == "6.0\n12.0\n18.0\n"
    assert completed.stderr.startswith("Traceback (most recent call last):\n"), completed.stderr
    assert completed.stderr.endswith("ZeroDivisionError: division by zero\n")
    assert completed.stderr == untraced(["main.py"], root).stderr  # no frame of the tracer
    assert result["complete"] and result["exit_code"] == 1
    assert result["error"] == "ZeroDivisionError: division by zero"
    assert function(result, "scale")["calls"] == 3
    assert function(result, "main")["calls"] == 1


@pytest.mark.parametrize("form", ["script", "module"])
def test_program_sees_what_python_gives_it(tmp_path, form):
    root = write_program(tmp_path, SHOWS_ITS_WORLD)
    program = ["main.py", "a b", "3"] if form == "script" else ["-m", "main", "a b", "3"]
    completed, result = trace(tmp_path / "spool", root, program)
    expected = untraced(program, root)
    assert (completed.returncode, completed.stdout) == (3, expected.stdout)
    assert expected.returncode == 3
    assert result["exit_code"] == 3 and result["error"] is None


def test_names_are_qualified_and_lines_are_def_lines(tmp_path):
    root = write_program(tmp_path, NAMES)
    completed, result = trace(tmp_path / "spool", root, ["main.py"])
    assert completed.returncode == 0, completed.stderr
    recorded = {entry["name"]: entry["line"] for entry in result["functions"]}
    assert recorded == {"logged": 4, "logged.wrapper": 6, "Model.forward": 13,
                        "Model.build": 17, "outer": 21, "outer.inner": 22, "run": 27}


def test_unpicklable_arguments_are_left_out_of_the_sample(tmp_path):
    pytest.importorskip("numpy")
    root = write_program(tmp_path, UNPICKLABLE)
    spool = tmp_path / "spool"
    completed, result = trace(spool, root, ["main.py"])
    assert completed.returncode == 0, completed.stderr
    combine = function(result, "combine")
    assert combine["signatures"][0]["params"] == {
        "weights": {"type": "ndarray", "library": "numpy", "dtype": "float64", "shape": [2, 5]},
        "callback": {"type": "function"},
        "log": {"type": "TextIOWrapper"},
        "scale": {"type": "float"},
    }
    (sample,) = combine["samples"]
    assert not sample["complete"]
    assert sorted(sample["omitted"]) == ["callback", "log"]
    assert all(reason.startswith("cannot pickle: ") for reason in sample["omitted"].values())
    replay = load_sample(spool, sample)
    weights, callback, log = replay["args"]
    assert weights.shape == (2, 5) and callback is None and log is None
    assert replay["kwargs"] == {"scale": 2.0}


def test_recursion_counts_once_in_cumulative_time(tmp_path):
    root = write_program(tmp_path, RECURSION)
    completed, result = trace(tmp_path / "spool", root, ["main.py"])
    assert completed.stdout == "10946\n"
    fib = function(result, "fib")
    assert fib["calls"] == 35421
    assert fib["own_s"] > 0.01, fib
    # Counted per frame, the nested frames would add up to about 20 times the run.
    assert fib["own_s"] <= fib["cumulative_s"] <= result["wall_s"], (fib, result["wall_s"])
    assert [s["calls"] for s in fib["signatures"]] == [35421]


def test_generator_calls_are_entries_not_resumes(tmp_path):
    root = write_program(tmp_path, GENERATOR)
    completed, result = trace(tmp_path / "spool", root, ["main.py"])
    assert completed.stdout == "40425 285\n", completed.stderr
    numbers, total = function(result, "numbers"), function(result, "total")
    assert (numbers["calls"], total["calls"]) == (2, 2)
    assert [s["calls"] for s in numbers["signatures"]] == [2]
    # Its time runs while it runs, so within the time of `total`, which drives it.
    assert numbers["cumulative_s"] <= total["cumulative_s"]


def test_threads_count_into_one_entry(tmp_path):
    root = write_program(tmp_path, THREADS)
    completed, result = trace(tmp_path / "spool", root, ["main.py"])
    assert completed.stdout == "42506800000\n", completed.stderr
    assert [(entry["name"], entry["calls"]) for entry in result["functions"]] == [("square", 400)]
    square = result["functions"][0]
    assert [s["calls"] for s in square["signatures"]] == [400]
    # Each thread adds its own time, waiting for the GIL included; cumulative is their union.
    assert square["own_s"] > 0 and 0 < square["cumulative_s"] <= result["wall_s"]


def test_signatures_overflow_and_large_arguments_are_left_out(tmp_path):
    pytest.importorskip("numpy")
    root = write_program(tmp_path, MANY_SHAPES)
    spool = tmp_path / "spool"
    _, result = trace(spool, root, ["main.py"], options=["--samples", "3", "--max-sample-mb", "4"])
    measure = function(result, "measure")
    assert measure["calls"] == 73
    assert len(measure["signatures"]) == 64 and measure["signatures_overflow"]
    assert sum(s["calls"] for s in measure["signatures"]) == 64
    assert [s["call"] for s in measure["samples"]] == [1, 2, 3]
    assert len(os.listdir(spool / "samples")) == 3
    assert load_sample(spool, measure["samples"][2])["args"] == [(0, 1)]


def test_big_array_is_left_out_of_its_sample(tmp_path):
    pytest.importorskip("numpy")
    root = write_program(tmp_path, MANY_SHAPES.replace("range(70)", "range(0)"))
    spool = tmp_path / "spool"
    _, result = trace(spool, root, ["main.py"], options=["--max-sample-mb", "4"])
    samples = function(result, "measure")["samples"]
    assert [s["call"] for s in samples] == [1, 2]  # a new signature, then call 2
    for sample in samples:
        assert sample["omitted"] == {"values": "pickle over 4 MB"} and not sample["complete"]
        assert load_sample(spool, sample)["args"] == [None]


def wait_for_calls(spool, process, timeout_s=30):
    """Waits until a snapshot of trace.json shows calls; the snapshot."""
    deadline = time.monotonic() + timeout_s
    path = Path(spool) / "trace.json"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            result = None
        if result and any(entry["calls"] for entry in result["functions"]):
            return result
        time.sleep(0.05)
    raise AssertionError(f"no snapshot with calls in {timeout_s} s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_killed_program_leaves_its_trace(tmp_path, signum):
    root = write_program(tmp_path, LONG_RUNNING)
    spool = tmp_path / "spool"
    process = subprocess.Popen(
        [sys.executable, str(TRACER), "--spool", str(spool), "--root", str(root), "--",
         "main.py"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Python raises KeyboardInterrupt only where SIGINT is not ignored (a background job).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        snapshot = wait_for_calls(spool, process)
        time.sleep(1.0)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()  # the program runs forever: never leave it behind
    assert not snapshot["complete"]
    assert process.returncode == -signum, stderr
    result = json.loads((spool / "trace.json").read_text())
    step = function(result, "step")
    assert step["calls"] >= function(snapshot, "step")["calls"] > 0
    assert step["own_s"] > 0
    if signum == signal.SIGKILL:
        assert not result["complete"]
    else:
        assert result["complete"] and result["exit_code"] == 128 + signum
        assert result["error"] == {signal.SIGTERM: "terminated by SIGTERM",
                                   signal.SIGINT: "KeyboardInterrupt"}[signum]
    if signum == signal.SIGINT:
        assert stderr.rstrip().endswith("KeyboardInterrupt")


def test_torch_signatures_follow_the_shapes(tmp_path):
    pytest.importorskip("torch")
    root = FIXTURES / "torch_varying"
    completed, result = trace(tmp_path, root, ["main.py"])
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("total=")
    assert "torch" in result["jit_disabled"]
    adaptive = function(result, "adaptive_processing")
    assert adaptive["calls"] == 12
    described = [s["params"]["x"] for s in adaptive["signatures"]]
    assert [d["shape"] for d in described] == [[8], [4, 4], [2, 3, 5]]
    assert all(d == {"type": "ndarray", "library": "torch", "dtype": "float32",
                     "shape": d["shape"], "device": "cpu"} for d in described)
    assert [s["params"]["threshold"] for s in adaptive["signatures"]] == [{"type": "float"}] * 3
    assert [s["calls"] for s in adaptive["signatures"]] == [4, 4, 4]
    # The first call of each shape, then call 4: the same shape as call 1, the other branch.
    samples = adaptive["samples"]
    assert [(s["call"], s["signature"]) for s in samples] == [(1, 0), (2, 1), (3, 2), (4, 0)]
    first, fourth = (load_sample(tmp_path, samples[i])["args"][0] for i in (0, 3))
    assert first.shape == fourth.shape == (8,)
    assert (float(first.mean()) > 0.5) != (float(fourth.mean()) > 0.5)
