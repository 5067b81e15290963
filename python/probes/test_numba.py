"""Ground truth for the NB rules: each test runs the rule's trigger under the installed Numba and
asserts the effect the rule documents. A test that stops showing its effect must fail."""
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from numba import njit, prange
from numba.core import errors

X = np.arange(8, dtype=np.float64)


def test_NB001():
    import re

    @njit
    def f(words):
        return len(re.findall("a", words))

    with pytest.raises(errors.TypingError):
        f("banana")


def test_NB002():
    @njit
    def f(x):
        return "value={}".format(x)

    with pytest.raises(errors.TypingError):
        f(1)

    @njit
    def g(x):
        return "%d items" % x

    with pytest.raises(errors.TypingError):
        g(1)


def test_NB003():
    @njit
    def f(x, **options):
        return x * 2

    with pytest.raises((TypeError, errors.NumbaError)):
        f(1.0)


def test_NB004():
    @njit
    def f(x):
        class Point:
            pass

        return x

    with pytest.raises(errors.UnsupportedBytecodeError):
        f(1.0)


def test_NB005():
    @njit
    def f(x):
        return sum(v * v for v in x)

    with pytest.raises(errors.UnsupportedError):
        f(X)


def test_NB006():
    @njit
    def f(x):
        return f"{x:.2f}"

    with pytest.raises(errors.UnsupportedBytecodeError):
        f(1.5)

    @njit
    def plain(n):
        return f"{n}"

    assert plain(3) == "3"


def test_NB007():
    @njit
    def f(x):
        d = {}
        d["mean"] = x.mean()
        d["name"] = "x"
        return d

    with pytest.raises(errors.TypingError):
        f(X)


def test_NB008():
    @njit
    def f(x):
        out = [0.0]
        out.append("done")
        return out

    with pytest.raises(errors.TypingError):
        f(X)

    # Numbers unify: a float list takes an int, whatever the argument's type is.
    @njit
    def g(start):
        out = [start]
        out.append(3)
        return out

    assert g(1.5) == [1.5, 3.0]


def test_NB009():
    @njit
    def f(a, b):
        return np.einsum("ij,jk->ik", a, b)

    with pytest.raises(errors.TypingError, match="einsum"):
        f(np.eye(2), np.eye(2))

    @njit
    def g(a):
        return np.sum(a, axis=0, keepdims=True)

    with pytest.raises(errors.TypingError):
        g(np.eye(2))


def test_NB010():
    @njit
    def f(a, b):
        try:
            return a / b
        except ZeroDivisionError:
            return 0.0

    with pytest.raises(errors.TypingError):
        f(1.0, 2.0)

    @njit
    def ok(a, b):
        try:
            return a / b
        except Exception:
            return 0.0

    assert ok(1.0, 2.0) == 0.5


def test_NB011():
    @njit
    def f(x, path):
        with open(path, "w") as fh:
            fh.write("done")
        return x.sum()

    with pytest.raises(errors.UnsupportedBytecodeError):
        f(X, "/dev/null")


def test_NB012():
    @njit
    def f(a, b):
        print(a, b, sep=",")

    with pytest.raises(errors.UnsupportedError):
        f(1, 2)


COUNT = 0


def test_NB013():
    @njit
    def f(x):
        global COUNT
        COUNT = COUNT + 1
        return x

    with pytest.raises(errors.UnsupportedBytecodeError):
        f(1.0)


def test_NB014():
    @njit
    def python_type(weights, n):
        return (weights * n).astype(int)

    @njit
    def numpy_dtype(weights, n):
        return (weights * n).astype(np.int64)

    with pytest.raises(errors.TypingError):
        python_type(X, 3)
    assert numpy_dtype(X, 3).dtype == np.int64


def test_array_of_a_list_of_arrays_does_not_compile():
    """`numba_support::lists_arrays`: `np.array` takes numbers, not arrays, in a list."""

    @njit
    def of_arrays(x):
        return np.array([x[:2], x[1:3]])

    @njit
    def of_numbers(x):
        return np.array([x[0], x[1]])

    with pytest.raises(errors.TypingError):
        of_arrays(X)
    assert of_numbers(X).shape == (2,)


# The table of `analyzer-wasm/src/model/numba_dtypes.rs`: which constructors reject a Python
# type as the dtype, where the builtin `float` passes, and that `np.full` ignores one.
@pytest.mark.parametrize(
    "call, python_float_passes",
    [
        ("np.empty(n, dtype=D)", True),
        ("np.zeros(n, dtype=D)", True),
        ("np.ones(n, D)", True),
        ("np.arange(n, dtype=D)", False),
        ("np.empty_like(x, dtype=D)", False),
        ("np.zeros_like(x, dtype=D)", False),
        ("np.ones_like(x, dtype=D)", False),
        ("np.full_like(x, 1, dtype=D)", False),
        ("np.asarray(x, dtype=D)", False),
    ],
)
def test_NB014_constructors(call, python_float_passes):
    def compiled(dtype):
        namespace = {"np": np}
        exec(f"def f(n, x):\n    return {call.replace('D', dtype)}\n", namespace)
        return njit(namespace["f"])

    for python_type in ("int", "bool", "complex", "float"):
        if python_type == "float" and python_float_passes:
            assert compiled(python_type)(3, X).dtype == np.float64
            continue
        # `np.asarray` fails inside Numba's typing (an AttributeError), the others with a
        # TypingError.
        with pytest.raises((errors.TypingError, AttributeError)):
            compiled(python_type)(3, X)
    assert compiled("np.int64")(3, X).dtype == np.int64
    # `np.full` compiles with a Python type and ignores it, where NumPy follows it.
    full = njit(lambda n: np.full(n, 1, dtype=int))
    assert full(3).dtype == np.float64
    assert full.py_func(3).dtype == np.int64


SCALE = 1.0


def test_NB101():
    global SCALE

    @njit
    def f(x):
        return x * SCALE

    assert f(2.0) == 2.0
    SCALE = 100.0
    try:
        assert f(2.0) == 2.0  # frozen: the new global is ignored
        assert f.py_func(2.0) == 200.0
    finally:
        SCALE = 1.0


def test_NB102():
    @njit
    def f(a):
        return str(a)

    assert f(1.5) != "1.5"
    assert "object" in f(1.5)


def test_NB201():
    @njit(fastmath=True)
    def fast(x):
        return np.isnan(x)

    @njit
    def strict(x):
        return np.isnan(x)

    assert strict(np.nan)
    assert not fast(np.nan)


def test_NB202():
    @njit(parallel=True)
    def prefix(x):
        a = np.zeros_like(x)
        for i in prange(1, x.shape[0]):
            a[i] = a[i - 1] + x[i]
        return a

    x = np.ones(2_000_000)
    expected = prefix.py_func(x[:1000])
    assert np.array_equal(prefix(x[:1000])[:1], expected[:1])
    wrong = any(not np.array_equal(prefix(x), np.arange(x.shape[0], dtype=np.float64)) for _ in range(5))
    assert wrong, "prange ran a loop-carried dependency correctly: the race did not show"


def test_NB203():
    @njit(parallel=True)
    def f(x):
        out = np.empty_like(x)
        for i in prange(x.shape[0]):
            if x[i] < 0:
                raise ValueError("negative input")
            out[i] = np.sqrt(x[i])
        return out

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f(X)
    assert any("will not be executed in parallel" in str(w.message) for w in caught)


def test_NB204():
    @njit(parallel=True)
    def total(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i]
        return s

    with pytest.warns(errors.NumbaPerformanceWarning, match="no transformation for parallel execution"):
        total(X)


def test_NB205():
    @njit(parallel=True)
    def doubled(x, out):
        for i in prange(x.shape[0]):
            out[i] = 2.0 * x[i]

    out = np.empty_like(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", errors.NumbaPerformanceWarning)
        doubled(X, out)
    assert np.array_equal(out, 2.0 * X)
    assert doubled.parallel_diagnostics is not None
    sig = doubled.signatures[0]
    assert doubled.overloads[sig].metadata["parfor_diagnostics"].has_setup  # a parfor was made


def test_NB301(tmp_path):
    (tmp_path / "settings.py").write_text("GAIN = 2.0\n")
    (tmp_path / "kernel.py").write_text(textwrap.dedent("""
        from numba import njit
        from settings import GAIN

        @njit(cache=True)
        def amplify(x):
            return x * GAIN
    """))
    run = [sys.executable, "-c", "import kernel; print(kernel.amplify(1.0))"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "2.0"
    (tmp_path / "settings.py").write_text("GAIN = 3.0\n")
    second = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert second.stdout.strip() == "2.0", "the cache picked up the change: no stale cache any more"


def test_NB401():
    def pairwise(x):
        n = x.shape[0]
        out = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                d = 0.0
                for k in range(x.shape[1]):
                    d += (x[i, k] - x[j, k]) ** 2
                out[i, j] = d ** 0.5
        return out

    compiled = njit(pairwise)
    x = np.random.default_rng(0).random((5, 3))
    assert np.allclose(compiled(x), pairwise(x))
    assert len(compiled.nopython_signatures) == 1


def test_complex_numbers_abs_and_compound_while_compile():
    """What the kernel check accepts for analyzer-wasm/tests/fixtures/rewrites/mandelbrot.py:
    `complex(...)`, `abs` of a complex, a `while` with `and`, `np.zeros(..., dtype=)`."""

    def mandelbrot(width, height, max_iter):
        out = np.zeros((height, width), dtype=np.int64)
        for row in range(height):
            for col in range(width):
                c = complex(-2.0 + 3.0 * col / width, -1.5 + 3.0 * row / height)
                z = 0j
                n = 0
                while abs(z) <= 2.0 and n < max_iter:
                    z = z * z + c
                    n += 1
                out[row, col] = n
        return out

    compiled = njit(mandelbrot)
    np.testing.assert_array_equal(compiled(24, 16, 50), mandelbrot(24, 16, 50))
    assert compiled.nopython_signatures, "compiled in nopython mode"


def test_rank_change_in_a_branch_fails():
    """The verdicts' blocker: a name given another number of dimensions under an `if`."""

    @njit
    def f(X):
        if X.ndim == 1:
            X = X[np.newaxis, :]
        return X.sum()

    with pytest.raises(errors.TypingError, match="unify"):
        f(X)


@pytest.mark.parametrize(
    "expr, compiles",
    [
        ("np.sum(a, axis=1)", True),
        ("np.concatenate((a, a), axis=1)", True),
        ("np.mean(a, axis=1)", False),
        ("np.max(a, axis=1)", False),
        ("np.diff(a, axis=1)", False),
        ("np.median(a, axis=1)", False),
    ],
)
def test_numpy_axis_keyword_support(expr, compiles):
    """The support table's `axis=` list (NUMPY_AXIS_KEYWORD in numba_support.rs)."""
    assert_compiles_or_fails_to_type(f"return {expr}", np.ones((3, 4)), compiles)


def assert_compiles_or_fails_to_type(body, value, compiles):
    """`def f(a): <body>` under `@njit` called with `value`: it runs, or fails to type."""
    namespace = {"np": np}
    exec(f"def f(a):\n    {body}\n", namespace)
    compiled = njit(namespace["f"])
    if compiles:
        compiled(value)
    else:
        with pytest.raises(errors.TypingError):
            compiled(value)


@pytest.mark.parametrize(
    ("body", "arg", "compiles"),
    [
        ("return np.asarray(a).sum()", "array", True),
        ("return np.asanyarray(a).sum()", "array", False),
        ("return np.gradient(a).sum()", "array", False),
        ("return np.meshgrid(a, a)[0].sum()", "array", False),
        ("return np.hstack([a, a]).sum()", "array", False),
        ("return np.hstack((a, a)).sum()", "array", True),
        ("return a[[0, 2]].sum()", "array", False),
        ("return np.subtract.outer(a, a).sum()", "array", False),
        ("return np.add.accumulate(a).sum()", "array", False),
        ("return np.c_[a, a].sum()", "array", False),
        ("return np.r_[a, a].sum()", "array", False),
        ("return np.mgrid[0:3, 0:3].sum() + a[0]", "array", False),
        ("return np.ogrid[0:3][0] + a[0]", "array", False),
        ("return np.ix_(a, a)[0].sum()", "array", False),
        ("return np.fft.fft(a).real.sum()", "array", False),
        ("return a['F'] * 2.0", "dict", False),
        ("out = list()\n    out.append(a[0])\n    return len(out)", "array", True),
    ],
)
def test_numpy_calls_the_support_table_names(body, arg, compiles):
    """UNSUPPORTED_NUMPY, UFUNC_METHODS, INDEX_TRICKS, TUPLE_OF_ARRAYS, `numpy.fft`, list and
    string indices and `list` in numba_support.rs."""
    value = np.arange(5.0) if arg == "array" else {"F": 1.0}
    assert_compiles_or_fails_to_type(body, value, compiles)
