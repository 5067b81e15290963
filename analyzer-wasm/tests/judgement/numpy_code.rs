//! NumPy and pure-Python code: which loops Numba compiles and speeds up, what blocks
//! `@njit`, what compiled Numba code needs.

use super::*;

#[test]
fn a_pure_python_numeric_loop_is_numba_high_and_the_rewrite_compiles_its_helper_too() {
    let report = analyze(NUMERIC_LOOP_WITH_HELPER);
    let numba = verdict(&report, "integrate", "numba");
    assert_eq!(numba.benefit, "high", "{numba:?}");
    assert!(numba.summary.contains("over numbers"), "{numba:?}");
    assert!(reports(&report, "integrate", "NB401"));
    let strategy = function(&report, "integrate")
        .strategies
        .iter()
        .find(|s| s.framework == "numba")
        .expect("a Numba rewrite");
    assert_eq!(
        strategy.source.matches("@numba.njit(cache=True)").count(),
        2,
        "both functions are compiled:\n{}",
        strategy.source
    );
    assert!(strategy.source.starts_with("import numba\n"));
    assert!(strategy
        .notes
        .iter()
        .any(|n| n.contains("`f` is compiled too")));
}

#[test]
fn a_loop_calling_an_uncompilable_helper_is_not_numba_high() {
    let source = "\
import numpy as np


def describe(v):
    return f\"{v:.2f}\"


def table(x):
    out = []
    for i in range(x.shape[0]):
        out.append(describe(x[i]))
    return out
";
    let report = analyze(source);
    let numba = verdict(&report, "table", "numba");
    assert_eq!(numba.benefit, "none", "{numba:?}");
    assert!(numba.summary.contains("`describe`"), "{numba:?}");
    assert!(codes_in(&report, "table").is_empty());
}

#[test]
fn code_no_jit_helps_gets_a_verdict_that_says_why() {
    let source = "\
def word_counts(lines):
    counts = {}
    for line in lines:
        for word in line.split():
            counts[word] = counts.get(word, 0) + 1
    return counts
";
    let report = analyze(source);
    let best = &function(&report, "word_counts").verdicts[0];
    assert_eq!(best.benefit, "none");
    assert!(best.explains, "{best:?}");
    assert!(best.summary.contains("no JIT compiles that"), "{best:?}");
    assert!(report.diagnostics.is_empty());
}

#[test]
fn a_compiled_function_gets_a_verdict_that_says_so() {
    let source = "\
import numba
import numpy as np


@numba.njit(cache=True)
def total(x):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            s += x[i, j] * x[i, j]
    return s


def plain(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * 2.0
    return s


fast = numba.njit(parallel=True)(plain)
";
    let report = analyze(source);
    for name in ["total", "plain"] {
        let numba = verdict(&report, name, "numba");
        assert_eq!(numba.benefit, "none", "{name}: {numba:?}");
        assert!(
            numba.summary.contains("Compiled with numba.njit already"),
            "{name}: {numba:?}"
        );
        assert!(numba.config.is_none());
    }
}

#[test]
fn no_prange_for_a_loop_whose_call_advances_shared_state_or_for_a_kernel_of_compiled_code() {
    let source = "\
import numba
import numpy as np


def advance(state):
    state[0] = (state[0] * 1103515245 + 12345) % 2147483648
    return state[0]


def draw(out, state):
    for i in range(out.shape[0]):
        out[i] = advance(state) * 1.0
    return out


@numba.njit
def distance(x, y):
    s = 0.0
    for i in range(x.shape[0]):
        s += (x[i] - y[i]) ** 2
    return s


@numba.njit(parallel=True)
def all_pairs(data, out):
    for i in numba.prange(data.shape[0]):
        for j in range(data.shape[0]):
            out[i, j] = distance(data[i], data[j])
    return out
";
    let report = analyze(source);
    for name in ["draw", "distance"] {
        let codes = codes_in(&report, name);
        assert!(!codes.contains(&"NB205".to_owned()), "{name}: {codes:?}");
    }
}

#[test]
fn library_calls_are_named_for_what_they_are() {
    let source = "\
import numpy as np


def rank(x, w):
    order = np.argsort(x)
    size = np.linalg.norm(x)
    return order, size, x @ w.T
";
    let report = analyze(source);
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "GEN401")
        .map(|d| d.message.as_str())
        .collect();
    // A sort is no BLAS call; it counts in the verdict and is not reported (rarely the time).
    assert!(
        !messages.iter().any(|m| m.contains("argsort")),
        "{messages:?}"
    );
    // A norm is a reduction a JIT fuses.
    assert!(!messages.iter().any(|m| m.contains("norm")), "{messages:?}");
    // A product with a transposed operand is a matrix product.
    assert!(messages.iter().any(|m| m.contains("BLAS")), "{messages:?}");
}

#[test]
fn a_sentinel_infinity_is_no_nan_check_for_fastmath() {
    let source = "\
import numba
import numpy as np


@numba.njit(fastmath=True)
def nearest(d):
    best = np.inf
    for i in range(d.shape[0]):
        if d[i] < best:
            best = d[i]
    return best


@numba.njit(fastmath=True)
def finite_sum(d):
    s = 0.0
    for i in range(d.shape[0]):
        if np.isfinite(d[i]):
            s += d[i]
    return s
";
    let report = analyze(source);
    assert!(!reports(&report, "nearest", "NB201"));
    assert!(reports(&report, "finite_sum", "NB201"));
}

#[test]
fn loops_of_whole_slices_and_memoized_functions_are_no_numba_candidates() {
    let source = "\
import functools

import numpy as np


def project(X: np.ndarray, y: np.ndarray):
    for j in range(X.shape[1]):
        X[:, j] -= np.dot(X[:, j], y) * y
    return X


@functools.lru_cache(maxsize=None)
def growth(n, m):
    total = 0.0
    for i in range(n):
        total = total * (m - i) / (n - i)
    return total
";
    let report = analyze(source);
    for name in ["project", "growth"] {
        assert!(
            !reports(&report, name, "NB401"),
            "{name}: {:?}",
            codes_in(&report, name)
        );
        assert_advice(&report, name, "numba", false);
    }
}

#[test]
fn code_in_numba_object_mode_raises_nothing() {
    let source = "\
import warnings

from numba import njit, objmode


@njit
def searchsorted(a, v):
    with objmode():
        warnings.warn(\"deprecated\", DeprecationWarning)
    lo = -1
    hi = len(a)
    while lo < hi - 1:
        m = (lo + hi) // 2
        if v < a[m]:
            hi = m
        else:
            lo = m
    return hi


@njit
def warns(a):
    warnings.warn(\"deprecated\")
    return a
";
    let report = analyze(source);
    let codes = codes_in(&report, "searchsorted");
    assert!(codes.is_empty(), "{codes:?}");
    assert!(reports(&report, "warns", "NB001"));
}

#[test]
fn kernels_compiled_by_a_call_in_a_body_or_returned_by_an_overload_are_compiled() {
    let source = "\
import numpy as np
from numba import guvectorize
from numba.extending import overload


def _kernel(r, out):
    for i in range(r.shape[0]):
        out[i] = r[i] * 2.0 + 1.0


def _gufunc():
    return guvectorize(['(f8[:], f8[:])'], '(n),(n)', nopython=True)(_kernel)


def draw(cdf, size):
    return np.searchsorted(cdf, np.random.random(size))


@overload(draw)
def ol_draw(cdf, size):
    def draw_impl(cdf, size):
        out = np.empty(size)
        for i in range(size):
            out[i] = cdf[i] * 2.0
        return out
    return draw_impl


def funzip(t):
    pass


@overload(funzip)
def ol_funzip(t):
    def print_tuple(t):
        return '({},)'.format(', '.join(t))

    s = 'def funzip(t): return {}'.format(print_tuple(['t[0]']))
    d = {}
    exec(s, d)
    return d['funzip']
";
    let report = analyze(source);
    // Run in Python at typing time to build the implementation, not compiled by Numba.
    assert!(
        !verdict(&report, "ol_funzip.print_tuple", "numba").compiled,
        "{:?}",
        report.diagnostics
    );
    assert!(codes_in(&report, "ol_funzip.print_tuple").is_empty());
    for name in ["_kernel", "ol_draw.draw_impl"] {
        let numba = verdict(&report, name, "numba");
        assert!(
            !matches!(numba.benefit.as_str(), "high" | "medium"),
            "{name}: {numba:?}"
        );
        assert!(
            numba.summary.contains("compiled by") || numba.summary.contains("overload"),
            "{name}: {numba:?}"
        );
    }
}

#[test]
fn astype_with_a_python_type_fails_a_numba_candidate() {
    let source = "\
import numpy as np


def residual(weights, n):
    counts = (weights * n).astype(int)
    out = np.zeros(n)
    for i in range(n):
        out[i] = counts[i % counts.shape[0]] * 0.5
    return out
";
    let report = analyze(source);
    assert!(reports(&report, "residual", "NB014"));
    assert_advice(&report, "residual", "numba", false);
}

#[test]
fn a_function_decorated_with_a_numba_compiler_of_the_project_is_compiled() {
    let decorators = "\
import numba


class NumbaBase:
    @classmethod
    def wrap(cls, *args, **kwargs):
        return lambda func: cls(func, *args, **kwargs)

    def gufunc(self, signature):
        return numba.guvectorize(signature, '(n)->()', nopython=True)(self.func)


class groupndreduce(NumbaBase):
    pass
";
    let funcs = "\
import numpy as np

from .decorators import groupndreduce


@groupndreduce.wrap()
def group_nansum(values, labels, out):
    out[:] = 0
    for i in range(len(values)):
        if not np.isnan(values[i]):
            out[labels[i]] += values[i]


def plain_nansum(values, labels, out):
    out[:] = 0
    for i in range(len(values)):
        if not np.isnan(values[i]):
            out[labels[i]] += values[i]
";
    let mut project = jitlens_analyzer::Project::default();
    project.learn(decorators);
    assert_eq!(
        project.numba_compilers().collect::<Vec<_>>(),
        ["NumbaBase", "groupndreduce"]
    );
    let report = project.analyze(funcs);
    let compiled = verdict(&report, "group_nansum", "numba");
    assert!(compiled.compiled, "{compiled:?}");
    assert!(!reports(&report, "group_nansum", "NB401"));
    // Alone, the module does not know what the decorator does: nothing says it compiles.
    let alone = analyze(funcs);
    assert!(!verdict(&alone, "group_nansum", "numba").compiled);
    assert!(!verdict(&report, "plain_nansum", "numba").compiled);
}

#[test]
fn a_loop_that_only_copies_rows_is_no_numba_candidate() {
    let source = "\
import numpy as np


def sliding_windows(X, window_size, step):
    n_timestamps, n_channels = X.shape
    n_windows = (n_timestamps - window_size) // step + 1
    windows = np.empty((n_windows, window_size * n_channels))
    for i in range(n_windows):
        start = i * step
        windows[i] = X[start:start + window_size].ravel()
    return windows


def pairwise(covariances, gains):
    n_timesteps, n_dim, _ = covariances.shape
    out = np.zeros((n_timesteps, n_dim, n_dim))
    for t in range(1, n_timesteps):
        out[t] = np.dot(covariances[t], gains[t - 1].T)
    return out
";
    let report = analyze(source);
    assert_advice(&report, "sliding_windows", "numba", false);
    assert!(!reports(&report, "sliding_windows", "NB401"));
    // Per-row arithmetic on small matrices is NumPy call overhead that Numba removes.
    assert!(reports(&report, "pairwise", "NB401"));
}

#[test]
fn a_name_given_another_rank_under_an_if_blocks_numba() {
    let source = "\
import numpy as np


def cholupdate(A2, X, weight):
    if len(X.shape) == 1:
        X = X[np.newaxis, :]
    n, m = X.shape
    for i in range(n):
        for k in range(m):
            A2[k, k] = np.sqrt(A2[k, k] ** 2 + weight * X[i, k] ** 2)
    return A2


def update(A2, X, weight):
    n, m = X.shape
    for i in range(n):
        for k in range(m):
            A2[k, k] = np.sqrt(A2[k, k] ** 2 + weight * X[i, k] ** 2)
    return A2
";
    let report = analyze(source);
    assert_advice(&report, "cholupdate", "numba", false);
    assert_eq!(verdict(&report, "update", "numba").benefit, "high");
}

#[test]
fn numpy_reductions_along_an_axis_block_numba() {
    let source = "\
import numpy as np


def channel_means(data, out):
    for c in range(data.shape[0]):
        out[c] = np.mean(data[c], axis=1)[0] + data[c, 0, 0]
    return out


def channel_sums(data, out):
    for c in range(data.shape[0]):
        out[c] = np.sum(data[c], axis=1)[0] + data[c, 0, 0]
    return out
";
    let report = analyze(source);
    assert_advice(&report, "channel_means", "numba", false);
    assert!(verdict(&report, "channel_means", "numba")
        .summary
        .contains("which Numba does not compile"));
    // `np.sum` along an axis compiles; each iteration sums a whole channel, which leaves
    // Numba only the per-call overhead to save.
    let sums = verdict(&report, "channel_sums", "numba");
    assert_eq!(sums.benefit, "low", "{sums:?}");
    assert!(sums.summary.contains("on whole arrays"), "{sums:?}");
}

#[test]
fn a_prange_race_needs_parallel_and_the_outermost_prange() {
    let source = "\
import numpy as np
from numba import njit, prange


@njit
def serial(x):
    out = []
    for i in prange(x.shape[0]):
        out.append(x[i] * 2)
    return out


@njit(parallel=True)
def nested(x, y):
    for i in prange(x.shape[0]):
        for j in prange(x.shape[1]):
            y[i] += x[i, j]
    return y


@njit(parallel=True)
def parallel(x):
    out = []
    for i in prange(x.shape[0]):
        out.append(x[i] * 2)
    return out
";
    let report = analyze(source);
    // Without `parallel=True` `prange` is `range`; an inner `prange` runs as one too.
    assert!(!reports(&report, "serial", "NB202"));
    assert!(!reports(&report, "nested", "NB202"));
    assert!(reports(&report, "parallel", "NB202"));
}

#[test]
fn numpy_products_of_vectors_and_sorts_are_no_library_kernel_notes() {
    let source = "\
import numpy as np
from numba import njit


def eccentricity(k, r, v):
    return ((v @ v - k / np.sqrt(r @ r)) * r - (r @ v) * v) / k


def sinkhorn(K, u, v, n_iter):
    for _ in range(n_iter):
        v = 1.0 / (K.T @ u)
        u = 1.0 / (K @ v)
    return u, v


@njit
def sinkhorn_compiled(K, u, v, n_iter):
    for _ in range(n_iter):
        v = 1.0 / (K.T @ u)
        u = 1.0 / (K @ v)
    return u, v


def ranks(x):
    return np.argsort(np.argsort(x)) / (x.shape[0] - 1.0)
";
    let report = analyze(source);
    let gen401 = |name: &str| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "GEN401" && d.function.as_deref() == Some(name))
            .count()
    };
    // `r @ v` of two arrays of unknown rank may be a dot of 3-vectors: nothing is said.
    assert_eq!(gen401("eccentricity"), 0, "{:?}", report.diagnostics);
    // `K.T @ u` is visibly a matrix product; `K @ v` shows no matrix by itself.
    assert_eq!(gen401("sinkhorn"), 1, "{:?}", report.diagnostics);
    assert_eq!(gen401("ranks"), 0, "{:?}", report.diagnostics);
    // Compiled with Numba already, the function is compiled for its loop: nothing to say.
    assert_eq!(gen401("sinkhorn_compiled"), 0, "{:?}", report.diagnostics);
}

#[test]
fn a_loop_next_to_a_call_numba_lacks_is_not_numba_high_as_written() {
    let source = "\
import numpy as np


def jac(time, sm):
    da = np.subtract.outer(time, time)
    p = len(time)
    out = np.zeros((p, p))
    for i in range(p):
        for j in range(p):
            out[i, j] = da[i, j] * sm[i] * sm[j]
    return out


def sigmah(obj, h):
    var = np.zeros(h)
    for i in range(h):
        var[i] = obj['sigma2'] * (1.0 + i * obj['g'])
    return var


def local_maxima(hist):
    found = list()
    for i in range(hist.shape[0] - 1):
        if hist[i + 1] < hist[i]:
            found.append(i)
    return found
";
    let report = analyze(source);
    for name in ["jac", "sigmah"] {
        assert_advice(&report, name, "numba", false);
    }
    // `list()` compiles in nopython mode.
    assert_advice(&report, "local_maxima", "numba", true);
}

#[test]
fn a_helper_returning_another_compiler_is_a_compiler_too() {
    let util = "\
import numba as nb


def _jit_custom(signatures, cache=True):
    return nb.njit(signatures, cache=cache, error_model='numpy')


def _jit(npar, narg=1):
    signatures = [nb.float64[:](*([nb.float64[:]] * narg), *([nb.float64] * npar))]
    return _jit_custom(signatures)


if not nb.config.DISABLE_JIT:
    njit = nb.njit
";
    let user = "\
import numpy as np

from . import _util


@_util.njit
def mv_mult(a, b, out):
    for i in range(a.shape[0]):
        out[i] = a[i] * b[i] + 1.0
    return out
";
    let mut project = jitlens_analyzer::Project::default();
    project.learn(util);
    assert_eq!(
        project.numba_compilers().collect::<Vec<_>>(),
        ["_jit", "_jit_custom", "njit"]
    );
    // Used through its module, the alias compiles what it decorates.
    let report = project.analyze(user);
    assert!(verdict(&report, "mv_mult", "numba").compiled);
    assert!(!verdict(&analyze(user), "mv_mult", "numba").compiled);
}

#[test]
fn list_indices_and_lists_of_arrays_fail_numba_and_pndindex_is_parallel() {
    let source = "\
import numba
import numpy as np


def assemble(rows, weights):
    p = len(weights)
    out = -np.eye(p)
    for idx in range(p):
        ind = list(range(p))
        ind.pop(idx)
        out[idx, ind] = rows[idx]
    return out


def stack_steps(X, steps):
    parts = []
    for j in range(steps):
        parts.append(X[j] * 2.0)
    return np.hstack([X, X]) + parts[0]


@numba.njit(parallel=True)
def laplacian(image, out):
    for y, x in numba.pndindex(image.shape):
        out[y, x] = 4.0 * image[y, x]
    return out
";
    let report = analyze(source);
    for name in ["assemble", "stack_steps"] {
        assert_advice(&report, name, "numba", false);
    }
    // `pndindex` is Numba's parallel loop: `parallel=True` has it to parallelize.
    assert!(!reports(&report, "laplacian", "NB204"));
}

#[test]
fn loops_whose_iterations_run_numpy_on_whole_arrays_are_not_numba_loops() {
    let source = "\
import numpy as np


def weighted_gaussians(grid, centers, weights):
    signals = np.zeros((centers.shape[0],) + grid.shape[1:])
    for i in range(centers.shape[0]):
        for a in range(centers.shape[1]):
            c = centers[i, a]
            signals[i] += weights[i, a] * np.exp(-0.5 * ((grid - c) ** 2).sum(0))
    return signals


def to_symbols(X, breakpoints):
    symbols = np.zeros(X.shape, dtype=np.int64)
    for i in range(1, breakpoints.shape[0]):
        symbols[X > breakpoints[i]] = i
    return symbols


def sieve_levels(n):
    sieve = np.ones(n, dtype=np.bool_)
    for i in range(2, n):
        sieve[i * i::i] = False
    return sieve


def grow(probs, shape):
    while len(probs.shape) < len(shape):
        probs = probs[None]
    return probs


def scores(X, edges, hist):
    out = np.zeros(X.shape)
    for i in range(X.shape[1]):
        bins = np.digitize(X[:, i], edges[i])
        logs = np.log2(hist[i] + 0.1)
        for j in range(X.shape[0]):
            if bins[j] == 0:
                out[j, i] = np.min(logs)
            else:
                out[j, i] = logs[bins[j] - 1]
    return out
";
    let report = analyze(source);
    for name in ["weighted_gaussians", "to_symbols", "sieve_levels", "grow"] {
        assert_advice(&report, name, "numba", false);
        assert!(!reports(&report, name, "NB401"), "{name}");
    }
    assert!(verdict(&report, "weighted_gaussians", "numba")
        .summary
        .contains("NumPy on whole arrays"));
    // An inner loop that walks elements is the work, whatever the outer iteration does first;
    // a whole-array call in a branch of it does not run every iteration.
    assert_eq!(verdict(&report, "scores", "numba").benefit, "high");
    assert!(reports(&report, "scores", "NB401"));
}

#[test]
fn prange_is_advised_outside_compiled_code_only_where_njit_takes_the_loop() {
    let source = "\
import numpy as np


def padded_rows(X, out):
    for i in range(X.shape[0]):
        out[i] = np.pad(X[i], 1)[0] * 2.0
    return out


def spectra(X, out):
    for i in range(X.shape[0]):
        out[i] = np.fft.fft(X[i])[0].real
    return out


def grid_filters(M, out):
    for i in range(out.shape[0]):
        out[i] = np.mgrid[0:M, 0:M][0, 0, 0] * i
    return out


def doubled(X, out):
    for i in range(X.shape[0]):
        out[i] = 2.0 * X[i]
    return out
";
    let report = analyze(source);
    for name in ["padded_rows", "spectra", "grid_filters"] {
        let codes = codes_in(&report, name);
        assert!(
            !codes.contains(&"NB205".to_owned()) && !codes.contains(&"NB401".to_owned()),
            "{name}: {codes:?}"
        );
    }
    let codes = codes_in(&report, "doubled");
    assert!(
        codes.contains(&"NB205".to_owned()) && codes.contains(&"NB401".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn a_loop_that_builds_arrays_from_lists_of_arrays_is_not_numba_high() {
    let source = "\
import numpy as np


def pairs(x):
    out = np.zeros((x.shape[0], 2, 2))
    for i in range(1, x.shape[0]):
        out[i] = np.array([x[i - 1:i + 1], x[i - 1:i + 1]])
    return out


def gaps(x):
    out = np.zeros((x.shape[0], 2))
    for i in range(1, x.shape[0]):
        out[i] = np.array([x[i - 1], x[i]])
    return out
";
    let report = analyze(source);
    assert_advice(&report, "pairs", "numba", false);
    assert_advice(&report, "gaps", "numba", true);
}

#[test]
fn a_loop_over_a_list_of_index_arrays_is_no_element_loop() {
    // After aeon 1.6.0's `_normalise_oob_probabilities`: each iteration is a fancy-index add of
    // a whole index array; the loop over rows that copies element by element is one.
    let source = "\
import numpy as np


def normalise(probabilities, weights, oobs):
    divisors = np.zeros(probabilities.shape[0])
    for weight, oob in zip(weights, oobs):
        divisors[oob] += weight
    return probabilities / divisors[:, None]


def jagged_to_array(rows, width):
    out = np.zeros((len(rows), width))
    for i, row in enumerate(rows):
        for j in range(row.size):
            out[i, j] = row[j]
    return out
";
    let report = analyze(source);
    assert!(!reports(&report, "normalise", "NB401"));
    assert_advice(&report, "normalise", "numba", false);
    assert!(reports(&report, "jagged_to_array", "NB401"));
}

#[test]
fn a_loop_that_writes_whole_columns_on_both_sides_of_a_branch_is_no_element_loop() {
    // After statsmodels 0.15.0's `prepare_trend_data`.
    let source = "\
import numpy as np


def prepare_trend_data(polynomial_trend, k_trend, nobs, offset=1):
    time_trend = np.arange(offset, nobs + offset)
    trend_data = np.zeros((nobs, k_trend))
    for i, k in enumerate(polynomial_trend.nonzero()[0]):
        if k == 0:
            trend_data[:, i] = np.ones(nobs)
        else:
            trend_data[:, i] = time_trend**k
    return trend_data
";
    let report = analyze(source);
    assert!(!reports(&report, "prepare_trend_data", "NB401"));
    assert_advice(&report, "prepare_trend_data", "numba", false);
}

#[test]
fn a_project_decorator_named_for_numba_jit_compiles() {
    // After trackpy 0.3.3's `@try_numba_autojit(nopython=True)`, which hands the function to
    // `numba.autojit` through a class of its own; aeon's `@numba_thread_handler` only sets the
    // thread count.
    let source = "\
import numpy as np

from .try_numba import try_numba_autojit
from .threading import numba_thread_handler


@try_numba_autojit(nopython=True)
def refine(image, coords, out):
    for feat in range(coords.shape[0]):
        out[feat] = image[coords[feat, 0], coords[feat, 1]] * 2.0
    return out


@numba_thread_handler
def refine_plain(image, coords, out):
    for feat in range(coords.shape[0]):
        out[feat] = image[coords[feat, 0], coords[feat, 1]] * 2.0
    return out
";
    let report = analyze(source);
    assert!(verdict(&report, "refine", "numba").compiled);
    assert!(!reports(&report, "refine", "NB401"));
    assert!(!verdict(&report, "refine_plain", "numba").compiled);
}

/// The same loop over a partition tree is advice in a module of numerical code and nothing in
/// a plotting module (`shap.plots._utils`), where it lays out a figure once per plot; a
/// synthetic test function (`botorch.test_functions.synthetic`) is run on a handful of points.
#[test]
fn plotting_and_test_modules_hold_no_candidates() {
    let source = "\
import numpy as np


def fill_counts(tree: np.ndarray, counts: np.ndarray):
    for i in range(tree.shape[0]):
        counts[i] = counts[int(tree[i, 0])] + counts[int(tree[i, 1])]
    return counts
";
    let project = jitlens_analyzer::Project::default();
    let (numerical, _) = project.analyze_module("shap.cluster", source);
    assert_advice(&numerical, "fill_counts", "numba", true);
    assert!(reports(&numerical, "fill_counts", "NB401"));
    for module in ["shap.plots._utils", "botorch.test_functions.synthetic"] {
        let (report, _) = project.analyze_module(module, source);
        assert_advice(&report, "fill_counts", "numba", false);
        assert!(codes_in(&report, "fill_counts").is_empty(), "{module}");
        let numba = verdict(&report, "fill_counts", "numba");
        assert!(numba.summary.contains("Not a candidate"), "{numba:?}");
    }
}

/// A function named for set-up or validation (`_initialize_mass_matrix`, `check_*`) runs once
/// before the work: its LAPACK call is no note, a kernel of the same body is.
#[test]
fn set_up_functions_get_no_library_notes() {
    let source = "\
import numpy as np


def _initialize_mass_matrix(samples: np.ndarray):
    cov = samples.T @ samples
    return np.linalg.cholesky(cov)


def whiten(samples: np.ndarray):
    cov = samples.T @ samples
    return np.linalg.cholesky(cov)
";
    let report = analyze(source);
    assert!(codes_in(&report, "_initialize_mass_matrix").is_empty());
    assert!(reports(&report, "whiten", "GEN401"));
}

/// A loop whose iterations each reduce a slice (`np.sum(label[0][sid])`) runs NumPy on whole
/// arrays: no element loop for Numba to compile.
#[test]
fn a_loop_of_reductions_of_indexed_arrays_is_whole_array_work() {
    let source = "\
import numpy as np


def valid_slices(label: np.ndarray):
    sids = []
    for sid in range(label.shape[1]):
        if np.sum(label[0][sid]) != 0:
            sids.append(sid)
    return np.asarray(sids)
";
    let report = analyze(source);
    assert!(!reports(&report, "valid_slices", "NB401"));
    assert_advice(&report, "valid_slices", "numba", false);
}

/// datashader's `ngjit = nb.jit(nopython=True, nogil=True)`, imported by its other modules:
/// what it decorates is compiled, so neither `@njit` advice nor a Numba verdict is given.
#[test]
fn a_configured_alias_of_numbas_jit_compiles_what_it_decorates() {
    let utils = "\
import numba as nb

ngjit = nb.jit(nopython=True, nogil=True)
";
    let user = "\
from .utils import ngjit


@ngjit
def row_max_in_place(ret, other):
    for i in range(len(ret)):
        if other[i] > ret[i]:
            ret[i] = other[i]
";
    let mut project = jitlens_analyzer::Project::default();
    project.learn(utils);
    let report = project.analyze(user);
    assert!(verdict(&report, "row_max_in_place", "numba").compiled);
    assert!(!reports(&report, "row_max_in_place", "NB401"));
    assert!(!verdict(&analyze(user), "row_max_in_place", "numba").compiled);
}

/// `a_val is None` of an element: the array holds Python objects, which Numba cannot take.
#[test]
fn a_loop_that_tests_elements_for_none_is_no_numba_candidate() {
    let source = "\
import numpy as np


def eq_ragged(start_indices, flat_array, a):
    n = len(start_indices)
    result = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        a_val = a[i]
        if a_val is None:
            result[i] = start_indices[i] == 0
        else:
            result[i] = flat_array[i] == a_val
    return result


def eq_dense(start_indices, flat_array, a):
    n = len(start_indices)
    result = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        a_val = a[i]
        result[i] = flat_array[i] == a_val
    return result
";
    let report = analyze(source);
    assert_advice(&report, "eq_ragged", "numba", false);
    assert_advice(&report, "eq_dense", "numba", true);
}

/// Lists of numbers spelled otherwise than as literals (`[-1]` then elements of an int array,
/// `[0, minbin + nbins]`) are homogeneous to Numba; a string appended to numbers is not.
#[test]
fn only_literal_kinds_make_a_list_mixed() {
    let source = "\
import numpy as np
from numba import njit


@njit
def slices(input_center_idx, nbins):
    minbin = input_center_idx - nbins // 2
    return [0, minbin + nbins]


@njit
def children(parents):
    counts = np.zeros(len(parents), np.int64)
    index = [-1]
    for b in range(1, len(parents)):
        index.append(counts[parents[b]])
    return index


@njit
def labelled(x):
    out = [0.0]
    out.append('done')
    return out
";
    let report = analyze(source);
    assert!(!reports(&report, "slices", "NB008"));
    assert!(!reports(&report, "children", "NB008"));
    assert!(reports(&report, "labelled", "NB008"));
}

/// `from .common import pi`, where `pi = np.pi`: nothing a cached function reads from there
/// can change; a helper function imported from the project can.
#[test]
fn a_reexported_library_constant_leaves_no_stale_cache() {
    let common = "\
import numpy as np

pi = np.pi


def scale(x):
    return 2 * x
";
    let user = "\
import numpy as np
from numba import njit
from .common import pi, scale


@njit(cache=True)
def xifn(scale_factor, n):
    return np.arange(n) * pi / scale_factor


@njit(cache=True)
def scaled(x):
    return scale(x)
";
    let mut project = jitlens_analyzer::Project::default();
    project.learn(common);
    let report = project.analyze(user);
    assert!(!reports(&report, "xifn", "NB301"));
    assert!(reports(&report, "scaled", "NB301"));
}

/// A general solve in JAX code (a 3x3 deformation gradient) and a frequency grid
/// (`fftfreq`) get no library-kernel note; a NumPy Cholesky does.
#[test]
fn jax_solves_and_frequency_grids_get_no_library_note() {
    let source = "\
import jax.numpy as jnp
import numpy as np


def generalized_position(F_deform, R):
    return jnp.linalg.solve(F_deform, R.T).T


def wave_numbers(g: jnp.ndarray):
    return jnp.fft.fftfreq(g.shape[0]) * g


def whiten(samples: np.ndarray):
    return np.linalg.cholesky(samples.T @ samples)
";
    let report = analyze(source);
    assert!(!reports(&report, "generalized_position", "GEN401"));
    assert!(!reports(&report, "wave_numbers", "GEN401"));
    assert!(reports(&report, "whiten", "GEN401"));
}

/// `np.concatenate(([0.0], rec, [1.0]))` and `np.hstack` of a list the loop built fail in
/// nopython mode (a tuple of arrays is what it joins): the loop is no Numba candidate as
/// written; a tuple of arrays is fine.
#[test]
fn joining_python_lists_blocks_numba() {
    let source = "\
import numpy as np


def voc_ap(rec, prec):
    mrec = np.concatenate(([0.0], rec, [1.0]))
    for i in range(mrec.size - 1, 0, -1):
        mrec[i - 1] = max(mrec[i - 1], mrec[i])
    return mrec


def expand(X, steps):
    parts = []
    for j in range(steps):
        parts.append(X * j)
    out = np.hstack(parts)
    for i in range(out.shape[0]):
        out[i] = out[i] * 2.0
    return out


def padded(rec):
    mrec = np.concatenate((rec, rec))
    for i in range(mrec.size - 1, 0, -1):
        mrec[i - 1] = max(mrec[i - 1], mrec[i])
    return mrec
";
    let report = analyze(source);
    assert_advice(&report, "voc_ap", "numba", false);
    assert_advice(&report, "expand", "numba", false);
    assert_advice(&report, "padded", "numba", true);
}
