//! JAX code: what is traced already (transforms, callers in this module and in others),
//! static arguments and tests, what a tracer branch is.

use super::*;

#[test]
fn functions_traced_by_a_jax_transform_or_a_compiled_caller_are_judged_as_compiled() {
    let source = "\
import jax
import jax.numpy as jnp


def step(carry, x):
    if x > 0:
        carry = carry + x
    return carry, jnp.sin(x)


def run(xs):
    return jax.lax.scan(step, 0.0, xs)


def helper(v):
    return jnp.cos(v) * 2 + jnp.sin(v)


@jax.jit
def outer(v):
    return helper(v) + 1
";
    let report = analyze(source);
    let step = report
        .diagnostics
        .iter()
        .find(|d| d.code == "JX001" && d.function.as_deref() == Some("step"))
        .expect("JX001 in the scanned function");
    assert_eq!(step.severity, Severity::Error, "traced: it fails today");
    let jax = verdict(&report, "step", "jax");
    assert!(jax.summary.contains("Traced already"), "{jax:?}");
    assert!(
        !matches!(jax.benefit.as_str(), "high" | "medium"),
        "{jax:?}"
    );
    let helper = verdict(&report, "helper", "jax");
    assert!(
        helper.summary.contains("called from compiled `outer`"),
        "{helper:?}"
    );
}

#[test]
fn a_method_call_on_a_closed_over_object_is_not_a_mutation() {
    let source = "\
import jax
import jax.numpy as jnp

history = []


def make(optimizer):
    @jax.jit
    def update(grads, state):
        updates, state = optimizer.update(grads, state)
        history.append(updates)
        return jnp.sin(updates), state
    return update
";
    let report = analyze(source);
    let mutated: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "JX103")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(mutated.len(), 1, "{mutated:?}");
    assert!(mutated[0].contains("history"), "{mutated:?}");
}

/// JAX's products are XLA dots, fused when small and most often traced by a caller: not
/// reported as library time, of vectors (`jnp.dot(x, p)`) or of matrices (`w.T`, `btk,bnk`);
/// a Cholesky factorization and an FFT are.
#[test]
fn jax_products_are_not_reported_as_library_time() {
    let source = "\
import jax.numpy as jnp


def objective(x, p, w, scores, labels):
    a = jnp.dot(x, p) + jnp.dot(p, p)
    b = jnp.einsum(\"bn,bn->b\", scores, labels)
    c = jnp.dot(w.T, x) + w.T @ x
    d = jnp.einsum(\"btk,bnk->btn\", scores, labels)
    e = jnp.linalg.cholesky(w)
    f = jnp.fft.fft(x)
    return a + b.sum() + c.sum() + d.sum() + e.sum() + f.sum()
";
    let report = analyze(source);
    let lines: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "GEN401")
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(lines, vec![9, 10], "{:?}", report.diagnostics);
}

#[test]
fn a_branch_on_a_library_static_query_is_static_under_jax_jit() {
    let source = "\
import jax
import jax.numpy as jnp


@jax.jit
def safe_max(array):
    if jnp.size(array) == 0 or jnp.ndim(array) > 3:
        return jnp.zeros(())
    return jnp.max(array)


@jax.jit
def clipped(x):
    if x.sum() > 0:
        return x
    return -x
";
    let report = analyze(source);
    let safe_max = codes_in(&report, "safe_max");
    assert!(!safe_max.contains(&"JX001".to_owned()), "{safe_max:?}");
    assert!(reports(&report, "clipped", "JX001"));
}

#[test]
fn jax_prints_under_a_debug_switch_and_isinstance_guarded_tests_say_nothing() {
    let source = "\
import functools

import jax
import jax.numpy as jnp


@functools.partial(jax.jit, static_argnames=(\"verbose\",))
def step(x, tol, verbose=False):
    if verbose:
        print(\"tracing step\")
    print(\"shape\", x.shape)
    if isinstance(tol, float) and tol == 0:
        return x
    if tol > 0:
        return x * 2
    return jnp.sin(x)


def batched(xs, size: int):
    return jax.vmap(lambda x: x.reshape(-1, xs.shape[0] // size), in_axes=(0,))(xs)


def _pool(x, size: int):
    return jnp.zeros(size) + x.sum()


def pool_all(xs, size):
    return jax.vmap(_pool, in_axes=(0, None))(xs, size)
";
    let report = analyze(source);
    let prints: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "JX102")
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(prints, vec![11], "{:?}", report.diagnostics);
    let branches: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "JX001")
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(branches, vec![14], "{:?}", report.diagnostics);
    // An argument `vmap` passes through with `in_axes=None` stays a Python int.
    assert!(
        !reports(&report, "_pool", "JX005"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_branch_on_tree_equal_is_not_certain_to_read_a_tracer() {
    let source = "\
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import equinox as eqx


@jax.jit
def fixed_point(flags, x):
    while True:
        new_flags = jtu.tree_map(lambda f: f, flags)
        if eqx.tree_equal(flags, new_flags):
            return x
        flags = jtu.tree_map(jnp.logical_or, flags, new_flags)


@jax.jit
def positive(x):
    if jnp.all(x > 0):
        return x
    return -x
";
    let report = analyze(source);
    // `tree_equal` of pytrees of Python bools is a Python bool: an error there would be wrong.
    assert!(
        !reports(&report, "fixed_point", "JX001"),
        "{:?}",
        codes_in(&report, "fixed_point")
    );
    assert!(reports(&report, "positive", "JX001"));
}

#[test]
fn jax_code_guarded_by_a_tracer_test_or_a_shape_predicate_runs_on_concrete_values() {
    let source = "\
import jax
import jax.numpy as jnp
from jax.core import Tracer


def not_jax_tracer(x):
    return not isinstance(x, Tracer)


def _is_batched(arg):
    if isinstance(arg, slice) or arg is None:
        return False
    return jnp.ndim(arg) > 0


@jax.jit
def censor(mask, x):
    if not_jax_tracer(mask):
        if not jnp.all(mask):
            raise ValueError('mask must be all true')
    first = True if (not_jax_tracer(x) and x.sum() > 0) else False
    if _is_batched(x):
        x = x.reshape(x.shape + (1,) * jnp.ndim(mask))
    if jax.default_backend() == 'cpu':
        x = x + 1
    return x, first


@jax.jit
def positive(x):
    if jnp.all(x > 0):
        return x
    return -x
";
    let report = analyze(source);
    let censor = codes_in(&report, "censor");
    assert!(
        !censor.iter().any(|c| c == "JX001" || c == "JX005"),
        "{:?}",
        report.diagnostics
    );
    assert!(reports(&report, "positive", "JX001"));
}

#[test]
fn a_static_argument_of_a_jitted_function_is_a_python_value() {
    let source = "\
from functools import partial

import jax.numpy as jnp
from jax import jit


@partial(jit, static_argnums=(3,))
def multinomial(key, p, n, n_max):
    if n_max == 0:
        return jnp.zeros(p.shape)
    return p * n + jnp.sin(p) * jnp.cos(n)


@jit
def clip(x, top):
    if top > 0:
        return jnp.minimum(x, top)
    return x
";
    let report = analyze(source);
    assert!(
        !reports(&report, "multinomial", "JX001"),
        "{:?}",
        report.diagnostics
    );
    assert!(reports(&report, "clip", "JX001"));
}

#[test]
fn dicts_numpy_values_and_python_options_in_traced_jax_code_are_no_tracers() {
    let source = "\
import jax
import jax.numpy as jnp
import numpy as np
from flax import traverse_util


def dense(inputs, kernel, bias=True):
    out = jnp.dot(inputs, kernel)
    if bias:
        bias = jnp.zeros(out.shape[-1])
        out = out + bias
    return out


def init_mass(z, inverse_mass_matrix, blocks):
    if not isinstance(inverse_mass_matrix, dict):
        inverse_mass_matrix = {(): inverse_mass_matrix}
    for names in blocks:
        inverse_mass_matrix[names] = jnp.eye(len(names)) * z.sum()
    return inverse_mass_matrix


def split(target):
    flattened = traverse_util.flatten_dict(target)
    for key in list(flattened):
        flattened[key] = 0
    return flattened


def summary(x):
    if np.prod(x.shape) > 1:
        return jnp.sum(x)
    return x


@jax.jit
def step(inputs, kernel, z, target):
    return dense(inputs, kernel), init_mass(z, z, [()]), split(target), summary(z)
";
    let report = analyze(source);
    for name in ["dense", "init_mass", "split", "summary"] {
        let codes = codes_in(&report, name);
        assert!(
            !codes.iter().any(|c| c == "JX001" || c == "JX002"),
            "{name}: {:?}",
            report.diagnostics
        );
    }
}

#[test]
fn jax_blockers_of_a_function_not_worth_jitting_are_not_said() {
    let source = "\
import jax
import jax.numpy as jnp


def check_simplex(x, tol):
    if not jnp.allclose(x.sum(), 1.0, atol=tol):
        raise ValueError('not on the simplex')
    return x


@jax.jit
def normalize(x):
    if jnp.any(x < 0):
        x = jnp.abs(x)
    return x / x.sum()
";
    let report = analyze(source);
    // A validation helper: jitting it alone gains nothing, its branch decides nothing.
    assert!(!reports(&report, "check_simplex", "JX001"));
    // Under `jax.jit` the same branch raises: that is said.
    assert!(reports(&report, "normalize", "JX001"));
}

#[test]
fn pytree_carries_and_structures_are_no_traced_arrays() {
    let source = "\
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
from jax import lax


def tree_dot(tree1, tree2):
    leaves1, treedef1 = jtu.tree_flatten(tree1)
    leaves2, treedef2 = jtu.tree_flatten(tree2)
    if treedef1 != treedef2:
        raise ValueError('trees must have the same structure')
    return sum(jnp.vdot(a, b) for a, b in zip(leaves1, leaves2))


@jax.jit
def solve(x):
    state = dict(x=x, itn=0, done=False)

    def body(st):
        st['itn'] = st['itn'] + 1
        st['x'] = st['x'] * 0.5 + tree_dot(st['x'], st['x'])
        return st

    def cond(st):
        return st['itn'] < 10

    return lax.while_loop(cond, body, state)['x']
";
    let report = analyze(source);
    assert!(!reports(&report, "tree_dot", "JX001"));
    assert!(!reports(&report, "solve.body", "JX002"));
}

#[test]
fn dimensions_an_object_declares_are_static_under_jit() {
    let source = "\
import jax
import jax.numpy as jnp


@jax.jit
def rplus_jacobian(transform):
    J = jnp.zeros((*transform.get_batch_axes(), 4, 3))
    J = J.at[..., :, :].set(transform.wxyz[..., None] * 0.5)
    assert J.shape == (*transform.get_batch_axes(), transform.parameters_dim, transform.tangent_dim)
    return J


@jax.jit
def bad(x, n):
    return jnp.zeros((n, 3)) + x
";
    let report = analyze(source);
    assert!(
        codes_in(&report, "rplus_jacobian").is_empty(),
        "{:?}",
        report.diagnostics
    );
    // A traced argument itself used as a dimension is still an error.
    assert!(reports(&report, "bad", "JX005"));
}

#[test]
fn a_helper_traced_from_two_callers_gets_the_same_verdict_on_every_run() {
    let source = "\
import jax
import jax.numpy as jnp


def clip(x):
    return jnp.clip(x, -1.0, 1.0)


def first(x):
    return clip(x) * 2.0


def second(x):
    return clip(x) + 1.0


def run(xs):
    return jax.vmap(first)(xs) + jax.vmap(second)(xs)
";
    let summaries: Vec<String> = (0..16)
        .map(|_| verdict(&analyze(source), "clip", "jax").summary.clone())
        .collect();
    assert!(summaries[0].contains("Traced already"), "{summaries:?}");
    assert!(
        summaries.iter().all(|s| *s == summaries[0]),
        "{summaries:?}"
    );
}

#[test]
fn shapes_of_traced_pytree_elements_and_static_widths_are_no_jax_errors() {
    // After tinygp 0.3.1's `Block.__add__` and dynamax 1.0.3's fixed-lag smoother.
    let source = "\
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def add_blocks(blocks, others):
    assert all(np.shape(a) == np.shape(b) for a, b in zip(blocks, others))
    return [a + b for a, b in zip(blocks, others)]


@jax.jit
def positive(blocks):
    assert all(b.sum() > 0 for b in blocks)
    return blocks


@partial(jax.jit, static_argnames=(\"window\",))
def lagged(x, window: int):
    return jnp.pad(x, (window - 1, 0)) * 2.0 + 1.0
";
    let report = analyze(source);
    assert!(
        codes_in(&report, "add_blocks").is_empty(),
        "{:?}",
        report.diagnostics
    );
    assert_eq!(codes_in(&report, "positive"), ["JX001"]);
    assert!(!reports(&report, "lagged", "JX301"));
}

#[test]
fn a_function_vmapped_at_module_level_is_traced_already() {
    // After dynamax 1.0.3's `mixture_kalman_filter_demo`: `kf_update_vmap = jax.vmap(kf_update)`
    // at module level, called from a scan step.
    let source = "\
import jax
import jax.numpy as jnp


def kf_update(mu, sigma, A, C, R, y):
    mu_pred = A @ mu
    sigma_pred = A @ sigma @ A.T
    S = C @ sigma_pred @ C.T + R
    K = sigma_pred @ C.T @ jnp.linalg.inv(S)
    return mu_pred + K @ (y - C @ mu_pred), sigma_pred - K @ S @ K.T


kf_update_vmap = jax.vmap(kf_update, in_axes=(0, 0, None, None, None, None))
";
    let report = analyze(source);
    let jax = verdict(&report, "kf_update", "jax");
    assert!(jax.summary.contains("Traced already"), "{jax:?}");
    assert!(
        codes_in(&report, "kf_update").is_empty(),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_function_that_jax_traced_code_of_another_module_calls_is_traced_already() {
    // After blackjax 1.7.1: `pathfinder.py` vmaps a body that calls
    // `lbfgs_inverse_hessian_factors`, defined in `lbfgs.py`.
    let pathfinder = "\
import jax
import jax.numpy as jnp

from .lbfgs import inverse_hessian_factors


def approximate(S, Z, alpha):
    def body(s, z):
        return inverse_hessian_factors(s, z, alpha)

    return jax.vmap(body)(S, Z)
";
    let lbfgs = "\
import jax.numpy as jnp


def inverse_hessian_factors(S, Z, alpha):
    sz = S.T @ Z
    R = jnp.triu(sz)
    inv_R = jnp.linalg.inv(R)
    return inv_R.T @ (Z.T @ (alpha * Z)) @ inv_R
";
    let project = project_of(&[pathfinder, lbfgs]);
    let report = project.analyze(lbfgs);
    let jax = verdict(&report, "inverse_hessian_factors", "jax");
    assert!(jax.summary.contains("another module"), "{jax:?}");
    assert!(codes_in(&report, "inverse_hessian_factors").is_empty());
    // Alone, nothing says who traces it.
    let alone = analyze(lbfgs);
    assert!(!verdict(&alone, "inverse_hessian_factors", "jax")
        .summary
        .contains("another module"));
}

#[test]
fn each_side_of_an_or_is_its_own_jax_branch_test() {
    // After equinox 0.13.8's `_array_equal`: the tolerances are Python numbers past their
    // `isinstance` tests, and a dtype query of a NumPy module passed in is static.
    let source = "\
import jax
import jax.numpy as jnp


def array_equal(x, y, npi, rtol, atol):
    if (
        isinstance(rtol, (int, float))
        and isinstance(atol, (int, float))
        and rtol == 0
        and atol == 0
    ) or not npi.issubdtype(x.dtype, npi.inexact):
        return npi.all(x == y)
    return npi.allclose(x, y, rtol=rtol, atol=atol)


@jax.jit
def close(x, y):
    return array_equal(x, y, jnp, 0.0, 0.0)


@jax.jit
def either(x, y):
    if (x > 0).all() or y.sum() > 1:
        return x
    return y
";
    let report = analyze(source);
    assert!(!reports(&report, "array_equal", "JX001"));
    assert!(reports(&report, "either", "JX001"));
}

#[test]
fn key_lookups_internals_and_imported_type_tests_are_no_traced_branches() {
    // After jax-md 0.2.29 (`'kT' not in kwargs`), equinox 0.13.8 (`traceback_util`) and
    // interpax 0.3.16 (`isbool`, defined in `utils.py`).
    let utils = "\
from typing import Any


def isbool(x: Any) -> bool:
    return isinstance(x, bool) or (hasattr(x, \"dtype\") and (x.dtype == bool))
";
    let spline = "\
import traceback

import jax
import jax.numpy as jnp
from jax._src import traceback_util

from .utils import isbool


@jax.jit
def apply(x, kT=1.0, **kwargs):
    _kT = kT if 'kT' not in kwargs else kwargs['kT']
    return jnp.exp(-x / _kT) * jnp.cos(x) + jnp.sin(x) * 2.0


@jax.jit
def frames(x):
    stack = []
    for frame, lineno in traceback.walk_stack(None):
        if traceback_util.include_frame(frame):
            stack.append(lineno)
    return x + len(stack)


@jax.jit
def clip(x, lo):
    if isbool(lo):
        return x
    return jnp.maximum(x, lo)
";
    let project = project_of(&[utils, spline]);
    let report = project.analyze(spline);
    for name in ["apply", "frames", "clip"] {
        assert!(
            !reports(&report, name, "JX001"),
            "{name}: {:?}",
            report.diagnostics
        );
    }
    // Alone, `isbool` is a function of another module that nothing says is a type test.
    assert!(reports(&analyze(spline), "clip", "JX001"));
}

/// A host-side validator of `np.ndarray` inputs, reached from jitted code only through a
/// Python branch (jaxns's race trees), is handed host data: its branches and `int()` on it
/// are plain NumPy, no tracer error. The same branch in the jitted function is one.
#[test]
fn numpy_arrays_handed_to_a_validator_are_host_data() {
    let source = "\
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def run(samples):
    if jnp.any(samples < 0):
        return jnp.zeros_like(samples)
    return build(samples, validate=False)


def build(samples, validate=False):
    if validate:
        return build_python(samples)
    return jnp.cumsum(samples)


def build_python(samples):
    out_degree = np.asarray(samples)
    validate_tree(out_degree=out_degree, num_samples=3)
    return out_degree


def validate_tree(*, out_degree: np.ndarray, num_samples: int) -> None:
    if np.any(out_degree < 0):
        raise ValueError('negative out-degree')
    if int(np.sum(out_degree)) != num_samples:
        raise ValueError('bad total')
";
    let report = analyze(source);
    assert!(
        codes_in(&report, "validate_tree").is_empty(),
        "{:?}",
        report.diagnostics
    );
    assert!(reports(&report, "run", "JX001"));
}
