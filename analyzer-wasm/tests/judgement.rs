//! The judgement that real code needs (issue 11): say nothing about functions no one compiles,
//! keep unknown values unknown, follow calls into the module's own functions, know what is
//! compiled already, name library calls for what they are, and answer for pure-Python numeric
//! code. Each case is a small function of the kind found in real projects.

use jitlens_analyzer::analyze;
use jitlens_analyzer::report::{FunctionReport, Report, Severity, Verdict};

fn function<'r>(report: &'r Report, name: &str) -> &'r FunctionReport {
    report
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn verdict<'r>(report: &'r Report, name: &str, framework: &str) -> &'r Verdict {
    function(report, name)
        .verdicts
        .iter()
        .find(|v| v.framework == framework)
        .unwrap()
}

/// Asserts whether the verdict of `name` for `framework` advises compiling ("high" or "medium").
fn assert_advice(report: &Report, name: &str, framework: &str, advised: bool) {
    let verdict = verdict(report, name, framework);
    assert_eq!(
        matches!(verdict.benefit.as_str(), "high" | "medium"),
        advised,
        "{name}: {verdict:?}"
    );
}

fn codes_in(report: &Report, name: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.function.as_deref() == Some(name))
        .map(|d| d.code.clone())
        .collect()
}

/// No torch graph-break (PT0xx) or recompile (PT3xx) finding in any of `names`.
fn assert_no_graph_break_or_recompile(report: &Report, names: &[&str]) {
    for name in names {
        let codes = codes_in(report, name);
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("PT0") || c.starts_with("PT3")),
            "{name}: {codes:?}"
        );
    }
}

const NUMERIC_LOOP_WITH_HELPER: &str = "\
def f(x):
    return x * x + 0.5 * x


def integrate(n):
    total = 0.0
    h = 1.0 / n
    for i in range(n):
        x = (i + 0.5) * h
        total += f(x)
    return total * h
";

#[test]
fn a_pure_python_numeric_loop_is_numba_high_and_the_rewrite_compiles_its_helper_too() {
    let report = analyze(NUMERIC_LOOP_WITH_HELPER);
    let numba = verdict(&report, "integrate", "numba");
    assert_eq!(numba.benefit, "high", "{numba:?}");
    assert!(numba.summary.contains("over numbers"), "{numba:?}");
    assert!(codes_in(&report, "integrate").contains(&"NB401".to_owned()));
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
fn drivers_and_set_up_code_get_no_framework_advice() {
    let source = "\
import time
import torch


def main(path, device):
    start = time.time()
    model = torch.load(path)
    if \"cuda\" in device:
        model = model.cuda()
    print(\"loaded in\", time.time() - start)
    for batch in range(10):
        print(model(batch))


class Net(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(n, n))
        print(\"built\", n)
";
    let report = analyze(source);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    for name in ["main", "Net.__init__"] {
        let torch = verdict(&report, name, "torch");
        assert_eq!(torch.benefit, "none", "{name}: {torch:?}");
    }
}

#[test]
fn unknown_parameters_and_static_queries_are_not_tensor_branches() {
    let source = "\
import jax.numpy as jnp
import torch


def scale(x, mode, leaves, transition_steps):
    if mode == \"promote\":
        x = x * 2
    if not leaves:
        return x
    if transition_steps <= 0:
        return torch.sin(x)
    if x.is_floating_point() and torch.jit.is_scripting():
        return x
    if x.shape[0] > 4 and x.ndim == 2:
        return torch.cos(x)
    return torch.sin(x) * torch.cos(x)


def promote(x):
    if jnp.issubdtype(x.dtype, jnp.floating):
        return jnp.sin(x)
    return x
";
    let report = analyze(source);
    let codes = codes_in(&report, "scale");
    assert!(
        !codes.iter().any(|c| c == "PT006" || c == "PT301"),
        "{codes:?}"
    );
    let codes = codes_in(&report, "promote");
    assert!(!codes.iter().any(|c| c.starts_with("JX0")), "{codes:?}");
}

#[test]
fn a_parameter_shown_to_be_an_array_by_its_use_is_one() {
    let source = "\
import torch


def gate(x, threshold):
    n = (x > threshold).sum().item()
    if n > x.numel() * 0.3:
        return torch.sin(x)
    return x
";
    let report = analyze(source);
    let codes = codes_in(&report, "gate");
    for code in ["PT001", "PT006"] {
        assert!(codes.contains(&code.to_owned()), "{code} in {codes:?}");
    }
}

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

#[test]
fn code_that_never_runs_compiled_gets_no_torch_findings() {
    let source = "\
import torch
from torch.compiler import is_compiling


def check_boxes(boxes, verbose=False):
    if not is_compiling():
        if (boxes[:, 2] < boxes[:, 0]).any():
            raise ValueError(\"bad boxes\")
    if verbose:
        print(\"boxes\", boxes.shape)
    return torch.sin(boxes) * torch.cos(boxes)


def early(x):
    if is_compiling():
        return torch.sin(x)
    if x.sum() > 0:
        return x
    return torch.cos(x)


@torch.compiler.disable
def host_side(x):
    return torch.sin(x).sum().item() + 1.0


def score(x):
    return (torch.sin(x) * x).sum().item()
";
    let report = analyze(source);
    assert_no_graph_break_or_recompile(&report, &["check_boxes", "early", "host_side", "score"]);
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
    assert!(!codes_in(&report, "nearest").contains(&"NB201".to_owned()));
    assert!(codes_in(&report, "finite_sum").contains(&"NB201".to_owned()));
}

#[test]
fn profitability_notes_speak_only_where_they_hold() {
    let source = "\
import jax.numpy as jnp
import numpy as np
import torch


def delegate(x):
    return helper(x) + 1


def helper(x):
    return torch.sin(x) * torch.cos(x) + torch.exp(x) - x


def normalize_rows(x):
    return np.einsum(\"ij,ij->i\", x, x) ** 0.5 * np.cos(x).sum()


def loss(logits, labels):
    return -jnp.sum(labels * jnp.log(jnp.exp(logits) / jnp.sum(jnp.exp(logits))))
";
    let report = analyze(source);
    assert!(
        !codes_in(&report, "delegate").contains(&"GEN403".to_owned()),
        "the work is in `helper`"
    );
    assert!(!codes_in(&report, "loss").contains(&"GEN402".to_owned()));
    let jax = verdict(&report, "loss", "jax");
    assert_eq!(jax.benefit, "low", "{jax:?}");
    assert!(jax.summary.contains("jit that step"), "{jax:?}");
}

#[test]
fn conditions_fixed_under_compile_are_followed_through_names() {
    let source = "\
import torch


def solve(coeffs, mask):
    compiling = torch.compiler.is_compiling()
    if compiling:
        has_roots = True
    else:
        has_roots = mask.any().tolist()
    if has_roots:
        coeffs = torch.where(mask, coeffs * 2, coeffs)
    return torch.sin(coeffs) * coeffs


def blur(x, y):
    in_place = not torch.compiler.is_compiling() and x.requires_grad
    if not in_place:
        return torch.sin(x) * y
    if x.sum().item() > 0:
        x.mul_(2)
    return x * y


def validate(x):
    if not torch.jit.is_scripting() and torch.compiler.is_compiling():
        return True
    return bool(torch.isfinite(x).all())


def branchy(x):
    if x.sum() > 0:
        return torch.sin(x) * torch.cos(x) + torch.exp(-x) * x
    return torch.cos(x) * x
";
    let report = analyze(source);
    assert_no_graph_break_or_recompile(&report, &["solve", "blur", "validate"]);
    // A branch on tensor data that compiled code does take is still reported.
    assert!(codes_in(&report, "branchy").contains(&"PT006".to_owned()));
}

#[test]
fn a_loop_driven_from_the_host_is_no_torch_candidate() {
    let source = "\
import torch


def ransac(points, iterations):
    best = None
    best_score = 0.0
    for _ in range(iterations):
        sample = points[torch.randint(0, points.shape[0], (4,))]
        model = torch.linalg.lstsq(sample, sample).solution
        score = (points @ model).abs().sum().item()
        if score > best_score:
            best, best_score = model, score
    return best


def refine(heat: torch.Tensor, threshold: float):
    heat = torch.sigmoid(heat) * torch.tanh(heat) + torch.exp(-heat) * heat
    out = heat.clone()
    for level in range(4):
        block = heat[level] * 2.0 + 1.0
        if block.max() > threshold:
            out[level] = torch.sqrt(block) * block
    return out
";
    let report = analyze(source);
    let codes = codes_in(&report, "ransac");
    assert!(
        !codes.iter().any(|c| c.starts_with("PT")),
        "ransac: {codes:?}"
    );
    assert_advice(&report, "ransac", "torch", false);
    // A loop without host reads is not host-driven: the advice is to compile its body.
    let refine = verdict(&report, "refine", "torch");
    assert!(refine.summary.contains("loop body"), "{refine:?}");
}

#[test]
fn logging_on_a_rare_path_and_hyperparameters_of_uncompiled_code_say_nothing() {
    let source = "\
import logging
import warnings

import torch

logger = logging.getLogger(__name__)


def resize(x, size, eps=None):
    if eps is not None:
        warnings.warn(\"eps is deprecated\")
    try:
        y = torch.sin(x) * size
    except RuntimeError:
        logger.warning(\"fallback\")
        y = x * size
    return y * torch.cos(x)


@torch.compile
def step(x, scale=0.5):
    logger.info(\"step\")
    return torch.sin(x) * scale + x


def loss(x, beta=0.5):
    return torch.sin(x) * beta + x * beta
";
    let report = analyze(source);
    let resize = codes_in(&report, "resize");
    assert!(!resize.contains(&"PT005".to_owned()), "{resize:?}");
    let step = codes_in(&report, "step");
    assert!(step.contains(&"PT005".to_owned()), "{step:?}");
    assert!(step.contains(&"PT302".to_owned()), "{step:?}");
    let loss = codes_in(&report, "loss");
    assert!(!loss.contains(&"PT302".to_owned()), "{loss:?}");
}

#[test]
fn vector_products_are_not_called_blas() {
    let source = "\
import jax.numpy as jnp


def objective(x, p, w, scores, labels):
    a = jnp.dot(x, p) + jnp.dot(p, p)
    b = jnp.einsum(\"bn,bn->b\", scores, labels)
    c = jnp.dot(w.T, x)
    d = jnp.einsum(\"btk,bnk->btn\", scores, labels)
    return a + b.sum() + c.sum() + d.sum()
";
    let report = analyze(source);
    let lines: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "GEN401")
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(lines, vec![7, 8], "{:?}", report.diagnostics);
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
            !codes_in(&report, name).contains(&"NB401".to_owned()),
            "{name}: {:?}",
            codes_in(&report, name)
        );
        assert_advice(&report, name, "numba", false);
    }
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
    assert!(codes_in(&report, "clipped").contains(&"JX001".to_owned()));
}

#[test]
fn a_private_helper_called_only_when_not_compiling_gets_no_torch_findings() {
    let source = "\
import torch


def _check_values(boxes):
    if (boxes[:, 2] < boxes[:, 0]).any():
        raise ValueError(\"bad boxes\")
    return boxes.sum().item()


def area(boxes: torch.Tensor):
    if not torch.compiler.is_compiling():
        _check_values(boxes)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def used_everywhere(x):
    if x.sum() > 0:
        return torch.sin(x) * torch.cos(x) + torch.exp(-x) * x
    return x


def scale(x: torch.Tensor):
    if not torch.compiler.is_compiling():
        x = used_everywhere(x)
    return used_everywhere(x) * 3
";
    let report = analyze(source);
    let helper = codes_in(&report, "_check_values");
    assert!(!helper.iter().any(|c| c.starts_with("PT")), "{helper:?}");
    assert!(codes_in(&report, "used_everywhere").contains(&"PT006".to_owned()));
}

#[test]
fn a_private_helper_called_only_under_is_compiling_is_traced_already() {
    let source = "\
import torch


def _fused_path(x):
    return torch.sin(x) * torch.cos(x) + torch.exp(-x) * x - x / (1 + x * x)


def _eager_path(x):
    return x * 2


def smooth(x: torch.Tensor):
    if torch.compiler.is_compiling():
        return _fused_path(x)
    return _eager_path(x)


def mixed(x: torch.Tensor):
    if torch.compiler.is_compiling() or x.numel() > 10:
        return _sometimes(x)
    return x


def _sometimes(x):
    return torch.sin(x) * torch.cos(x) + torch.exp(-x) * x - x / (1 + x * x)
";
    let report = analyze(source);
    let fused = verdict(&report, "_fused_path", "torch");
    assert!(fused.summary.contains("is_compiling"), "{fused:?}");
    // A condition that may also hold eagerly leaves the callee an eager candidate.
    let sometimes = verdict(&report, "_sometimes", "torch");
    assert!(!sometimes.summary.contains("is_compiling"), "{sometimes:?}");
}

#[test]
fn io_and_display_functions_are_no_candidates_and_tolist_values_branch_in_python() {
    let source = "\
import torch


def draw_boxes(image: torch.Tensor, boxes: torch.Tensor):
    for box in boxes:
        x0 = int(box[0].item())
        image[..., x0] = image[..., x0] * 0.5 + 0.5
    return image


def crop(image: torch.Tensor, boxes: torch.Tensor):
    x0, x1 = boxes[0].tolist()
    if x1 > x0:
        image = image[..., x0:x1]
    return torch.sin(image) * image
";
    let report = analyze(source);
    let draw = codes_in(&report, "draw_boxes");
    assert!(!draw.iter().any(|c| c.starts_with("PT")), "{draw:?}");
    // The list's numbers bound slices: the read is the design, and a branch on them is static.
    let crop = codes_in(&report, "crop");
    assert!(!crop.iter().any(|c| c.starts_with("PT")), "{crop:?}");
}

#[test]
fn reads_that_size_shapes_and_checks_that_raise_are_left_alone() {
    let source = "\
import torch


def window(x: torch.Tensor):
    n = int(x.max().item())
    steps = n * 2
    return torch.sin(torch.arange(steps)) * torch.cos(x[:n]) + x.sum()


def scaled(x: torch.Tensor):
    s = x.max().item()
    return torch.sin(x) * torch.cos(x) * s + x


def validated(x: torch.Tensor):
    if (x < 0).any():
        raise ValueError(\"negative input\")
    if x.sum() > 1:
        x = x / x.sum()
    return torch.sin(x) * torch.cos(x) + x * 2


def positive_mean(x: torch.Tensor):
    return torch.sin(x[x > 0]).sum() + torch.cos(x).mean()


def positives(x: torch.Tensor):
    return torch.sin(x[x > 0]) * torch.cos(x[x > 0]) * 2 + 1
";
    let report = analyze(source);
    let window = codes_in(&report, "window");
    assert!(!window.contains(&"PT001".to_owned()), "{window:?}");
    assert!(codes_in(&report, "scaled").contains(&"PT001".to_owned()));
    // The raise is validation; the second branch is a real data-dependent break.
    let branches: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.function.as_deref() == Some("validated") && d.code == "PT006")
        .map(|d| d.range.start.line)
        .collect();
    assert_eq!(branches, vec![18], "{:?}", report.diagnostics);
    let mask_message = |name: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.function.as_deref() == Some(name) && d.code == "PT007")
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(mask_message("positive_mean").contains("torch.where"));
    let kept = mask_message("positives");
    assert!(
        kept.contains("breaks the graph") && !kept.contains("torch.where"),
        "{kept}"
    );
}

#[test]
fn a_private_torch_helper_defers_to_its_caller() {
    let source = "\
import torch


def _activation(x):
    return torch.tanh(x) * torch.sigmoid(x) + torch.sin(x) * torch.cos(x) - x / (1 + x * x)


class Block(torch.nn.Module):
    def _mix(self, x):
        return torch.tanh(x) * torch.sigmoid(x) + torch.sin(x) * torch.cos(x) - x / (1 + x * x)

    def forward(self, x: torch.Tensor):
        return self._mix(_activation(x))


def activation(x: torch.Tensor):
    return torch.tanh(x) * torch.sigmoid(x) + torch.sin(x) * torch.cos(x) - x / (1 + x * x)
";
    let report = analyze(source);
    for (name, caller) in [
        ("_activation", "Block.forward"),
        ("Block._mix", "Block.forward"),
    ] {
        let torch = verdict(&report, name, "torch");
        assert_eq!(torch.benefit, "none", "{name}: {torch:?}");
        assert!(torch.summary.contains(caller), "{name}: {torch:?}");
    }
    assert_advice(&report, "activation", "torch", true);
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
    assert!(codes_in(&report, "warns").contains(&"NB001".to_owned()));
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
    assert!(codes_in(&report, "residual").contains(&"NB014".to_owned()));
    assert_advice(&report, "residual", "numba", false);
}

#[test]
fn graph_breaks_speak_only_where_compiling_would_pay_without_them() {
    let source = "\
import torch


def clip(x):
    if x.max() > 1:
        return x / x.max()
    return x


def activation(x):
    if x.max() > 1:
        x = x / x.max()
    return torch.sin(x) * torch.cos(x) + torch.exp(-x.abs()) * torch.tanh(x)


@torch.compile
def compiled_clip(x):
    if x.max() > 1:
        return x / x.max()
    return x
";
    let report = analyze(source);
    // Two operations gain nothing compiled, break or not: the break decides nothing.
    assert!(
        codes_in(&report, "clip").is_empty(),
        "{:?}",
        report.diagnostics
    );
    // A fusible chain pays once the break is gone: the break is what stands in the way.
    assert!(codes_in(&report, "activation").contains(&"PT006".to_owned()));
    // Compiled already: whatever it gains, the break is there.
    assert!(codes_in(&report, "compiled_clip").contains(&"PT006".to_owned()));
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
        !codes_in(&report, "_pool").contains(&"JX005".to_owned()),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn code_that_builds_a_torch_fx_graph_gets_no_cost_advice() {
    let source = "\
import torch
from torch import fx


def codegen(shape):
    graph = fx.Graph()
    x = fx.Proxy(graph.placeholder(\"x\", torch.Tensor))
    w = fx.Proxy(graph.placeholder(\"w\", torch.Tensor))
    out = torch.einsum(\"zi,ij->zj\", x, w) * 2.0 + torch.sin(x) * torch.cos(x)
    graph.output(out.node)
    return fx.GraphModule({}, graph, \"forward\")
";
    let report = analyze(source);
    assert!(
        codes_in(&report, "codegen").is_empty(),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn layers_called_in_a_forward_are_kernel_work_that_splits_the_chain() {
    let source = "\
import torch
from torch import nn


class Mlp(nn.Module):
    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        x = torch.relu(self.fc3(x))
        return torch.relu(self.fc4(x)) * 0.5


class Activation(nn.Module):
    def scale(self, x):
        return x * 2.0

    def forward(self, x):
        x = self.scale(x)
        return torch.sin(x) * torch.cos(x) + torch.exp(-x) * torch.tanh(x)
";
    let report = analyze(source);
    // Four ReLUs between four linear layers: the time is in the layers.
    assert_advice(&report, "Mlp.forward", "torch", false);
    // A call of the class's own method is no layer: the chain is the function's.
    assert_advice(&report, "Activation.forward", "torch", true);
}

#[test]
fn a_fused_chain_is_the_run_of_operations_no_layer_splits() {
    let source = "\
import torch
from torch import nn


class Block(nn.Module):
    def forward(self, x: torch.Tensor):
        x = self.conv1(x) * 0.5 + 1.0
        x = self.conv2(x) * 0.5 + 1.0
        return self.conv3(x) * 0.5 + 1.0


class Gated(nn.Module):
    def forward(self, x: torch.Tensor):
        identity = x
        gate = self.gate(x)
        return identity * self.act(gate) * gate + identity
";
    let report = analyze(source);
    // Six operations in all, but no more than two between two convolutions: no one pass.
    assert!(
        !codes_in(&report, "Block.forward").contains(&"GEN402".to_owned()),
        "{:?}",
        codes_in(&report, "Block.forward")
    );
    // A gate and an activation module are elementwise work that fuses with the products.
    assert!(
        codes_in(&report, "Gated.forward").contains(&"GEN402".to_owned()),
        "{:?}",
        codes_in(&report, "Gated.forward")
    );
}

#[test]
fn a_product_of_small_matrices_is_not_library_kernel_time() {
    let source = "\
import torch


def compose(U: torch.Tensor, V: torch.Tensor) -> torch.Tensor:
    eye3 = torch.eye(3)
    return (U[..., :2] @ V[..., :2].mT) + eye3 @ U


def project(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return x @ w
";
    let report = analyze(source);
    assert!(
        !codes_in(&report, "compose").contains(&"GEN401".to_owned()),
        "{:?}",
        codes_in(&report, "compose")
    );
    assert!(codes_in(&report, "project").contains(&"GEN401".to_owned()));
}

#[test]
fn a_fusion_opportunity_the_verdict_turns_down_is_not_reported() {
    let source = "\
import torch


def _activation(x: torch.Tensor) -> torch.Tensor:
    return torch.sin(x) * torch.cos(x) + torch.exp(-x) * torch.tanh(x)


def layer(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return _activation(x @ w)


def standalone(x: torch.Tensor) -> torch.Tensor:
    return torch.sin(x) * torch.cos(x) + torch.exp(-x) * torch.tanh(x)
";
    let report = analyze(source);
    // The helper's verdict is to compile its caller: the fusion note would say the opposite.
    assert_advice(&report, "_activation", "torch", false);
    assert!(
        !codes_in(&report, "_activation").contains(&"GEN402".to_owned()),
        "{:?}",
        codes_in(&report, "_activation")
    );
    assert!(codes_in(&report, "standalone").contains(&"GEN402".to_owned()));
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
        !codes_in(&report, "fixed_point").contains(&"JX001".to_owned()),
        "{:?}",
        codes_in(&report, "fixed_point")
    );
    assert!(codes_in(&report, "positive").contains(&"JX001".to_owned()));
}

#[test]
fn type_and_identity_tests_on_a_number_read_from_a_tensor_are_static() {
    let source = "\
import torch


@torch.compile
def to_dense(edge_index: torch.Tensor, size=None):
    if size is None:
        size = int(edge_index.max()) + 1
    if isinstance(size, (tuple, list)):
        rows, cols = size
        if rows is None:
            rows = size[1]
    else:
        rows = cols = size
    return torch.zeros(rows, cols)


@torch.compile
def clip(x: torch.Tensor):
    top = x.max().item()
    if top > 1.0:
        return x / top
    return x
";
    let report = analyze(source);
    // `isinstance(size, ...)` and `rows is None` are known without the number's value.
    for line in [8, 10] {
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.range.start.line == line && matches!(d.code.as_str(), "PT006" | "PT301")),
            "line {line}: {:?}",
            report.diagnostics
        );
    }
    assert!(codes_in(&report, "clip").contains(&"PT006".to_owned()));
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
    assert!(codes_in(&report, "positive").contains(&"JX001".to_owned()));
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
    assert!(!codes_in(&report, "group_nansum").contains(&"NB401".to_owned()));
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
    assert!(!codes_in(&report, "sliding_windows").contains(&"NB401".to_owned()));
    // Per-row arithmetic on small matrices is NumPy call overhead that Numba removes.
    assert!(codes_in(&report, "pairwise").contains(&"NB401".to_owned()));
}

#[test]
fn training_loops_and_bool_predicates_on_tensors_get_no_graph_break_advice() {
    let source = "\
import torch


def train_mask(model, optimizer, x: torch.Tensor, epochs):
    mask = torch.sigmoid(x) * torch.cos(x) + torch.exp(-x) * torch.tanh(x) - 0.5
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = model(x * mask).sum()
        loss.backward()
        optimizer.step()
    if mask.max().item() > 0.5:
        print('converged')
    return model


def validate_boxes(boxes: torch.Tensor) -> bool:
    if not torch.isfinite(boxes).all():
        return False
    width = torch.abs(boxes[..., 1, 0] - boxes[..., 0, 0]) * 2 + 1
    return not torch.any(width > 1e-4)
";
    let report = analyze(source);
    assert_no_graph_break_or_recompile(&report, &["train_mask", "validate_boxes"]);
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
fn a_function_nested_in_one_called_only_under_is_compiling_is_traced() {
    let source = "\
import torch


def _compiled_resize(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    def gather(index: torch.Tensor) -> torch.Tensor:
        return torch.sin(x[index]) * torch.cos(x[index]) + torch.exp(-x[index]) * scale - 1

    return gather(torch.arange(4))


def resize(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    if torch.compiler.is_compiling():
        return _compiled_resize(x, scale)
    return x * scale
";
    let report = analyze(source);
    let gather = verdict(&report, "_compiled_resize.gather", "torch");
    assert!(gather.summary.starts_with("Traced already"), "{gather:?}");
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
        !codes_in(&report, "multinomial").contains(&"JX001".to_owned()),
        "{:?}",
        report.diagnostics
    );
    assert!(codes_in(&report, "clip").contains(&"JX001".to_owned()));
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
    assert_eq!(verdict(&report, "channel_sums", "numba").benefit, "high");
}

#[test]
fn in_a_project_with_models_only_what_a_model_runs_gets_torch_blockers() {
    let base = "\
import torch.nn as nn


class BaseLoss(nn.Module):
    pass
";
    let losses = "\
import torch

from .base import BaseLoss


def frechet_term(mu_x, mu_y, sigma):
    if not torch.isfinite(sigma).all():
        print('singular product')
    d = mu_x - mu_y
    return torch.sqrt((d * d).sum() + torch.exp(-sigma).sum() * 0.5 + sigma.trace())


class FrechetLoss(BaseLoss):
    def forward(self, mu_x, mu_y, sigma):
        return frechet_term(mu_x, mu_y, sigma)


class DiceHelper:
    def __call__(self, y_pred, y):
        if y.sum() > 0:
            return 2 * (y_pred * y).sum() / (y_pred + y).sum()
        return y_pred.new_tensor(1.0)


def frechet(mu_x, mu_y, sigma):
    if not torch.isfinite(sigma).all():
        print('singular product')
    d = mu_x - mu_y
    return torch.sqrt((d * d).sum() + torch.exp(-sigma).sum() * 0.5 + sigma.trace())
";
    let mut project = jitlens_analyzer::Project::default();
    for source in [base, losses] {
        project.learn_classes(jitlens_analyzer::ClassHeaders::read(source));
    }
    let report = project.analyze(losses);
    // `frechet_term` is called from the model's `forward`: compiled with it, its branch breaks.
    assert!(codes_in(&report, "frechet_term").contains(&"PT006".to_owned()));
    // A metric helper and a free function no model calls: nobody compiles them with a model.
    assert_no_graph_break_or_recompile(&report, &["DiceHelper.__call__", "frechet"]);
    // Alone (no project, or a project without models) any function may be compiled by itself.
    let alone = analyze(losses);
    assert!(codes_in(&alone, "frechet")
        .iter()
        .any(|c| c.starts_with("PT0")));
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
    assert!(!codes_in(&report, "serial").contains(&"NB202".to_owned()));
    assert!(!codes_in(&report, "nested").contains(&"NB202".to_owned()));
    assert!(codes_in(&report, "parallel").contains(&"NB202".to_owned()));
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
    assert!(!codes_in(&report, "check_simplex").contains(&"JX001".to_owned()));
    // Under `jax.jit` the same branch raises: that is said.
    assert!(codes_in(&report, "normalize").contains(&"JX001".to_owned()));
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
    assert!(!codes_in(&report, "tree_dot").contains(&"JX001".to_owned()));
    assert!(!codes_in(&report, "solve.body").contains(&"JX002".to_owned()));
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
fn a_boolean_mask_bound_to_a_name_is_a_data_dependent_shape() {
    let source = "\
import math

import torch


def wing_loss(output: torch.Tensor, target: torch.Tensor, width=5, curvature=0.5):
    diff_abs = (target - output).abs()
    loss = diff_abs.clone()
    small = diff_abs < width
    big = diff_abs >= width
    loss[small] = width * torch.log1p(diff_abs[small] / curvature)
    loss[big] = loss[big] - (width - width * math.log(1 + width / curvature))
    return loss.mean()
";
    let report = analyze(source);
    let pt007 = codes_in(&report, "wing_loss")
        .iter()
        .filter(|c| *c == "PT007")
        .count();
    assert_eq!(pt007, 2, "{:?}", report.diagnostics);
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
    assert!(codes_in(&report, "bad").contains(&"JX005".to_owned()));
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
    assert!(!codes_in(&report, "laplacian").contains(&"NB204".to_owned()));
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
        assert!(
            !codes_in(&report, name).contains(&"NB401".to_owned()),
            "{name}"
        );
    }
    assert!(verdict(&report, "weighted_gaussians", "numba")
        .summary
        .contains("NumPy on whole arrays"));
    // An inner loop that walks elements is the work, whatever the outer iteration does first;
    // a whole-array call in a branch of it does not run every iteration.
    assert_eq!(verdict(&report, "scores", "numba").benefit, "high");
    assert!(codes_in(&report, "scores").contains(&"NB401".to_owned()));
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
fn a_function_that_differentiates_inside_is_no_torch_candidate() {
    let source = "\
import torch


def newton_step(loss, x):
    (g,) = torch.autograd.grad(loss, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x, create_graph=True)
    step = g / (h.abs() + 1e-6)
    return torch.tanh(x - step) * torch.sigmoid(x) + torch.exp(-x.abs())


def update(x, g):
    step = g / (g.abs() + 1e-6)
    return torch.tanh(x - step) * torch.sigmoid(x) + torch.exp(-x.abs())
";
    let report = analyze(source);
    assert_advice(&report, "newton_step", "torch", false);
    assert_advice(&report, "update", "torch", true);
}

#[test]
fn a_pyro_model_gets_no_torch_advice() {
    let source = "\
import torch
import pyro
import pyro.distributions as dist
from pyro import poutine


def model(data, scale):
    loc = pyro.param(\"loc\", torch.zeros(data.shape[-1]))
    with pyro.plate(\"data\", data.shape[0]), poutine.scale(scale=scale):
        z = torch.sigmoid(loc) * torch.tanh(loc) + torch.exp(-loc.abs()) - 0.5
        pyro.sample(\"obs\", dist.Normal(z, 1.0).to_event(1), obs=data)


def log_density(data, loc):
    z = torch.sigmoid(loc) * torch.tanh(loc) + torch.exp(-loc.abs()) - 0.5
    return -((data - z) ** 2).sum(-1)
";
    let report = analyze(source);
    let torch = verdict(&report, "model", "torch");
    assert_eq!(torch.benefit, "none", "{torch:?}");
    assert!(torch.summary.contains("Pyro"), "{torch:?}");
    assert_advice(&report, "log_density", "torch", true);
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
fn numba_on_torch_code_is_none_with_the_reason_not_harmful() {
    let source = "\
import torch


@torch.compile
def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(0.79788456 * (x + 0.044715 * x * x * x)))
";
    let report = analyze(source);
    let numba = verdict(&report, "gelu_tanh", "numba");
    assert_eq!(numba.benefit, "none", "{numba:?}");
    assert!(
        numba.summary.contains("Numba cannot compile torch arrays"),
        "{numba:?}"
    );
}

#[test]
fn a_debugging_switch_keeps_its_prints_and_branches_out_of_the_graph() {
    // After monai 1.6.1's retinanet `get_cls_train_sample_per_image`: prints and a tensor test
    // under `if self.debug:`, which Dynamo never traces with the switch off.
    let source = "\
import torch


class Sampler(torch.nn.Module):
    def forward(self, scores: torch.Tensor, matched: torch.Tensor) -> torch.Tensor:
        foreground = matched >= 0
        if self.debug:
            print(f\"{foreground.sum()} matched\")
            if torch.isnan(scores).any():
                print(\"nan scores\")
        weights = torch.sigmoid(scores) * foreground
        return (weights - weights.mean()) / (weights.std() + 1e-6)
";
    let report = analyze(source);
    assert_no_graph_break_or_recompile(&report, &["Sampler.forward"]);
}

#[test]
fn a_member_objects_method_holds_time_the_fused_chain_does_not_save() {
    // After botorch 0.18.1's acquisition functions: `self.model.posterior(X)` is a GP solve; the
    // elementwise tail over its mean and variance is a small share of the call.
    let source = "\
import torch


class ExpectedImprovement(torch.nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        posterior = self.model.posterior(X)
        sigma = posterior.variance.clamp_min(1e-9).sqrt()
        u = (posterior.mean - self.best_f) / sigma
        cdf = torch.special.ndtr(u)
        pdf = torch.exp(-0.5 * u * u) / 2.5066
        return (sigma * (pdf + u * cdf)).squeeze(-1)


class Score(torch.nn.Module):
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        u = (X - self.best_f) / self.scale
        cdf = torch.special.ndtr(u)
        pdf = torch.exp(-0.5 * u * u) / 2.5066
        return (self.scale * (pdf + u * cdf)).squeeze(-1)
";
    let report = analyze(source);
    assert_advice(&report, "ExpectedImprovement.forward", "torch", false);
    assert_advice(&report, "Score.forward", "torch", true);
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
    assert!(!codes_in(&report, "normalise").contains(&"NB401".to_owned()));
    assert_advice(&report, "normalise", "numba", false);
    assert!(codes_in(&report, "jagged_to_array").contains(&"NB401".to_owned()));
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
    assert!(!codes_in(&report, "lagged").contains(&"JX301".to_owned()));
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
    let mut project = jitlens_analyzer::Project::default();
    for source in [pathfinder, lbfgs] {
        let (_, facts) = project.analyze_learning(source);
        project.learn_from(&facts);
    }
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
    assert!(!codes_in(&report, "array_equal").contains(&"JX001".to_owned()));
    assert!(codes_in(&report, "either").contains(&"JX001".to_owned()));
}

#[test]
fn arithmetic_on_zero_dim_coefficients_is_no_pass_over_memory() {
    // After torchaudio 2.6.0's `lowpass_biquad`: the filter coefficients are 0-d tensors made
    // from Python floats; the waveform goes only through `biquad` (a custom op underneath).
    let source = "\
import math

import torch
from torch import Tensor


def lowpass_biquad(waveform: Tensor, sample_rate: int, cutoff_freq: float, Q: float = 0.707) -> Tensor:
    cutoff_freq = torch.as_tensor(cutoff_freq, dtype=waveform.dtype)
    Q = torch.as_tensor(Q, dtype=waveform.dtype)
    w0 = 2 * math.pi * cutoff_freq / sample_rate
    alpha = torch.sin(w0) / 2 / Q
    b0 = (1 - torch.cos(w0)) / 2
    b1 = 1 - torch.cos(w0)
    a0 = 1 + alpha
    a1 = -2 * torch.cos(w0)
    a2 = 1 - alpha
    return torch.ops.torchaudio._lfilter(waveform, b0, b1, b0, a0, a1, a2)


def soft_clip(waveform: Tensor, gain: float) -> Tensor:
    g = torch.as_tensor(gain, dtype=waveform.dtype)
    x = waveform * g
    return torch.tanh(x) * (1 - torch.exp(-x * x)) + 0.1 * x - torch.sigmoid(x) * 0.5
";
    let report = analyze(source);
    assert_advice(&report, "lowpass_biquad", "torch", false);
    assert_advice(&report, "soft_clip", "torch", true);
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
    let mut project = jitlens_analyzer::Project::default();
    for source in [utils, spline] {
        let (_, facts) = project.analyze_learning(source);
        project.learn_from(&facts);
    }
    let report = project.analyze(spline);
    for name in ["apply", "frames", "clip"] {
        assert!(
            !codes_in(&report, name).contains(&"JX001".to_owned()),
            "{name}: {:?}",
            report.diagnostics
        );
    }
    // Alone, `isbool` is a function of another module that nothing says is a type test.
    assert!(codes_in(&analyze(spline), "clip").contains(&"JX001".to_owned()));
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
    assert!(!codes_in(&report, "prepare_trend_data").contains(&"NB401".to_owned()));
    assert_advice(&report, "prepare_trend_data", "numba", false);
}
