"""Profile jobs of the harness, run for real under line_profiler with every JIT off."""

import json
import subprocess
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1] / "jl_harness.py"

PAIRWISE = """\
import numpy as np
from numba import njit


@njit(cache=True)
def pairwise(X):
    n, m = X.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            for k in range(m):
                out[i, j] += (X[i, k] - X[j, k]) ** 2
    return np.sqrt(out)
"""

MATMUL_THEN_SCALE = """\
import numpy as np


def project(a, b):
    c = a @ b
    return c * 0.5
"""


def run_harness(tmp_path, request):
    """Runs one profile job; its profile, or {"error": ...} when it failed."""
    job_path = tmp_path / "job.json"
    job_path.write_text(json.dumps(dict(request, kind="profile")))
    completed = subprocess.run(
        [sys.executable, "-B", str(HARNESS), str(job_path)],
        cwd=tmp_path, capture_output=True, text=True, check=True, timeout=120,
    )
    messages = [json.loads(line) for line in completed.stdout.splitlines()]
    result = next(m["result"] for m in messages if m["event"] == "result")
    if result["status"] != "done":
        return {"error": result["error"]}
    return result["profile"]


def share_of(result, lines):
    return sum(entry["share"] for entry in result["lines"] if entry["line"] in lines)


def test_triple_loop_time_lands_in_the_innermost_loop(tmp_path):
    result = run_harness(
        tmp_path,
        {"source": PAIRWISE, "function": "pairwise", "setup": "import numpy as np\nX = np.random.rand(60, 3)"},
    )
    assert "error" not in result, result
    # Lines 11-12: `for k in range(m):` and its body.
    assert share_of(result, {11, 12}) > 0.8, result["lines"]
    assert result["loop_share"] > 0.9 and result["kernel_share"] == 0, result
    assert "a JIT can take these over" in result["summary"]


def test_jit_decorator_is_removed_and_said(tmp_path):
    result = run_harness(
        tmp_path,
        {"source": PAIRWISE, "function": "pairwise", "setup": "import numpy as np\nX = np.random.rand(5, 3)"},
    )
    assert result["jit_disabled"] == ["pairwise: @njit(cache=True)"]
    assert max(entry["hits"] for entry in result["lines"]) > 1, "ran as Python, line by line"


def test_matmul_line_holds_most_of_the_time(tmp_path):
    setup = "import numpy as np\na = np.random.rand(400, 400)\nb = np.random.rand(400, 400)"
    result = run_harness(
        tmp_path, {"source": MATMUL_THEN_SCALE, "function": "project", "setup": setup}
    )
    assert "error" not in result, result
    assert share_of(result, {5}) > share_of(result, {6}), result["lines"]
    assert result["kernel_share"] > 0.5, result
    assert "compiling will not help" in result["summary"]


def test_inputs_are_inferred_without_a_setup(tmp_path):
    result = run_harness(tmp_path, {"source": MATMUL_THEN_SCALE, "function": "project"})
    assert "error" not in result, result
    assert result["calls"] >= 1


def test_unknown_function_is_an_error(tmp_path):
    result = run_harness(tmp_path, {"source": MATMUL_THEN_SCALE, "function": "nope"})
    assert "defines no function `nope`" in result["error"]
