"""Is the candidate's output the original's? Structures, shapes, dtypes, NaN positions, values.

Tolerances follow torch.testing.assert_close's table, by dtype; when the two sides differ in
dtype the looser pair is used and the change is reported as a warning. The original is always
the reference: relative errors are taken against it.
"""

import math
import sys

# (rtol, atol) by dtype name, as torch.testing.assert_close; anything else compares exactly.
TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


class Report:
    """What one or more comparisons found."""

    def __init__(self):
        self.max_abs = 0.0
        self.max_rel = 0.0
        self.failures = []
        self.warnings = []

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def warn(self, where, message):
        line = f"{where}: {message}"
        if line not in self.warnings:
            self.warnings.append(line)


def _as_array(value):
    """(numpy array, dtype name) for array-likes and numbers; None for anything else."""
    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        dtype = str(value.dtype).replace("torch.", "")
        tensor = value.detach().cpu()
        if dtype == "bfloat16":
            tensor = tensor.float()
        return tensor.numpy(), dtype
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy(), value.dtype.name
    if isinstance(value, (bool, int, float, complex)):
        array = np.asarray(value)
        return array, array.dtype.name
    if isinstance(value, (np.ndarray, np.generic)) or hasattr(value, "__array__"):
        array = np.asarray(value)
        return array, str(array.dtype)
    return None


def _tolerance(dtype_a, dtype_b):
    pairs = [TOLERANCES.get(dtype_a), TOLERANCES.get(dtype_b)]
    pairs = [pair for pair in pairs if pair is not None]
    if not pairs:
        return 0.0, 0.0
    return max(pair[0] for pair in pairs), max(pair[1] for pair in pairs)


def _is_float(dtype):
    return dtype in TOLERANCES


def _compare_arrays(expected, actual, where, report):
    import numpy as np

    (want, want_dtype), (got, got_dtype) = expected, actual
    if want.shape != got.shape:
        report.fail(where, f"shape {got.shape} instead of {want.shape}")
        return
    if want_dtype != got_dtype:
        if _is_float(want_dtype) and _is_float(got_dtype):
            report.warn(where, f"dtype {got_dtype} instead of {want_dtype}; compared with the "
                               f"looser tolerance of the two")
        else:
            report.fail(where, f"dtype {got_dtype} instead of {want_dtype}")
            return
    rtol, atol = _tolerance(want_dtype, got_dtype)
    if want.dtype.kind not in "fciub" or got.dtype.kind not in "fciub":
        if not np.array_equal(want, got):
            report.fail(where, "values differ")
        return
    shape = want.shape
    want = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64).reshape(-1)
    got = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64).reshape(-1)
    size = want.size
    want_nan, got_nan = np.isnan(want), np.isnan(got)
    if not np.array_equal(want_nan, got_nan):
        count = int(np.count_nonzero(want_nan != got_nan))
        report.fail(where, f"NaN at different positions ({count} of {size} elements)")
    want_inf, got_inf = np.isinf(want), np.isinf(got)
    if not np.array_equal(want_inf, got_inf) or not np.array_equal(want[want_inf], got[want_inf]):
        report.fail(where, "infinities differ")
    finite = np.isfinite(want) & np.isfinite(got)
    if not finite.any():
        return
    difference = np.abs(want - got)
    difference[~finite] = 0.0
    scale = np.abs(want)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(finite & (scale > 0), difference / scale, 0.0)
    report.max_abs = max(report.max_abs, float(difference.max()))
    report.max_rel = max(report.max_rel, float(relative.max()))
    bad = finite & (difference > atol + rtol * scale)
    count = int(np.count_nonzero(bad))
    if count:
        flat = int(np.argmax(np.where(bad, difference, -1.0)))
        worst = np.unravel_index(flat, shape)
        report.fail(
            where,
            f"{count} / {size} elements differ ({100.0 * count / size:.2g}%); greatest absolute "
            f"difference {float(difference[flat]):.3g} at index {tuple(int(i) for i in worst)} "
            f"(rtol {rtol:g}, atol {atol:g})",
        )


def compare(expected, actual, where, report):
    """Compares the original's value `expected` with the candidate's `actual`, into `report`."""
    if isinstance(expected, (tuple, list)) and not isinstance(actual, (tuple, list)):
        report.fail(where, f"{type(actual).__name__} instead of {type(expected).__name__}")
        return
    if isinstance(expected, (tuple, list)):
        if len(expected) != len(actual):
            report.fail(where, f"{len(actual)} items instead of {len(expected)}")
            return
        for index, (want, got) in enumerate(zip(expected, actual)):
            compare(want, got, f"{where}[{index}]", report)
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            report.fail(where, "different keys")
            return
        for key in expected:
            compare(expected[key], actual[key], f"{where}[{key!r}]", report)
        return
    if expected is None or isinstance(expected, (str, bytes)):
        if expected != actual:
            report.fail(where, f"{actual!r} instead of {expected!r}")
        return
    want, got = _as_array(expected), _as_array(actual)
    if want is None or got is None:
        try:
            same = bool(expected == actual)
        except Exception:  # noqa: BLE001 - objects without a usable ==
            same = expected is actual
        if not same:
            report.fail(where, f"{type(actual).__name__} differs from {type(expected).__name__}")
        return
    _compare_arrays(want, got, where, report)


def finite_or_zero(value):
    return value if math.isfinite(value) else 0.0
