//! torch code: graph breaks only where a model or a compiled function runs them, tensors told
//! from Python values, what holds the time of a forward.

use super::*;

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
        !reports(&report, "delegate", "GEN403"),
        "the work is in `helper`"
    );
    assert!(!reports(&report, "loss", "GEN402"));
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
    assert!(reports(&report, "branchy", "PT006"));
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
    assert!(reports(&report, "used_everywhere", "PT006"));
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
    assert!(reports(&report, "scaled", "PT001"));
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
    assert!(reports(&report, "activation", "PT006"));
    // Compiled already: whatever it gains, the break is there.
    assert!(reports(&report, "compiled_clip", "PT006"));
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
        !reports(&report, "Block.forward", "GEN402"),
        "{:?}",
        codes_in(&report, "Block.forward")
    );
    // A gate and an activation module are elementwise work that fuses with the products.
    assert!(
        reports(&report, "Gated.forward", "GEN402"),
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
        !reports(&report, "compose", "GEN401"),
        "{:?}",
        codes_in(&report, "compose")
    );
    assert!(reports(&report, "project", "GEN401"));
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
        !reports(&report, "_activation", "GEN402"),
        "{:?}",
        codes_in(&report, "_activation")
    );
    assert!(reports(&report, "standalone", "GEN402"));
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
    assert!(reports(&report, "clip", "PT006"));
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
    assert!(reports(&report, "frechet_term", "PT006"));
    // A metric helper and a free function no model calls: nobody compiles them with a model.
    assert_no_graph_break_or_recompile(&report, &["DiceHelper.__call__", "frechet"]);
    // Alone (no project, or a project without models) any function may be compiled by itself.
    let alone = analyze(losses);
    assert!(codes_in(&alone, "frechet")
        .iter()
        .any(|c| c.starts_with("PT0")));
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
    // Among verdicts that say the same, the JIT the function is compiled with comes first.
    assert_eq!(
        function(&report, "gelu_tanh").verdicts[0].framework,
        "torch"
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

/// A path that returns early from deep inside `if`s (kornia's `adjust_gamma` float fast path)
/// is the other side of the branch: the chain is the longer path's, not both added up.
#[test]
fn an_early_return_ends_its_path_however_deep() {
    let source = "\
import torch


def adjust(input: torch.Tensor, gamma: float, gain: float, fast: bool):
    if fast:
        if input.ndim > 0:
            return (input.pow(gamma) * gain).clamp(0.0, 1.0).sin()
    y = input.pow(gamma)
    return (y * gain).clamp(0.0, 1.0).sin()
";
    let report = analyze(source);
    assert!(
        !reports(&report, "adjust", "GEN402"),
        "{:?}",
        report.diagnostics
    );
    let torch = verdict(&report, "adjust", "torch");
    assert!(torch.summary.starts_with("4 elementwise"), "{torch:?}");
}

/// Products of two transforms (rotations, homographies, a literal colour matrix) are tiny:
/// no library-kernel note; a transform applied to a batch of features keeps it.
#[test]
fn products_of_transforms_get_no_library_note() {
    let source = "\
import torch


def relative_rotation(R1: torch.Tensor, R2: torch.Tensor):
    return R1.transpose(-2, -1) @ R2


def normalize(dst_norm_trans_dst_pix: torch.Tensor, dst_pix_trans_src_pix: torch.Tensor, src_pix_trans_src_norm: torch.Tensor):
    return dst_norm_trans_dst_pix @ (dst_pix_trans_src_pix @ src_pix_trans_src_norm)


def rgb2xyz(x: torch.Tensor):
    weights = torch.tensor([[0.41, 0.35, 0.18], [0.21, 0.71, 0.07], [0.02, 0.12, 0.95]])
    return torch.matmul(x.permute(0, 2, 3, 1), weights.t())


def project(features: torch.Tensor, weight: torch.Tensor):
    return features @ weight.T
";
    let report = analyze(source);
    assert!(!reports(&report, "relative_rotation", "GEN401"));
    assert!(!reports(&report, "normalize", "GEN401"));
    assert!(!reports(&report, "rgb2xyz", "GEN401"));
    assert!(reports(&report, "project", "GEN401"));
}

/// A method that calls `self.forward`, a Python loop over the sequence length, compiles
/// that loop too: no fusion verdict for the caller, whatever elementwise tail it has. A loop
/// over a configured count (`range(self.k)`) does not count.
#[test]
fn calling_a_method_that_loops_over_a_length_is_no_fusion_candidate() {
    let source = "\
import torch


class HMM:
    def forward(self, emissions: torch.Tensor):
        l = emissions.shape[1]
        f = emissions.clone()
        for i in range(1, l):
            f[i] += torch.log(torch.matmul(torch.exp(f[i - 1]), self.t))
        return f

    def erode(self, x: torch.Tensor):
        for k in range(self.k):
            x = torch.sigmoid(x)
        return x

    def forward_backward(self, emissions: torch.Tensor):
        f = self.forward(emissions)
        return torch.exp(f + emissions) * 2 + f.sin() - f.cos() / 3 + torch.tanh(f) * emissions

    def smoothed(self, emissions: torch.Tensor):
        f = self.erode(emissions)
        return torch.exp(f + emissions) * 2 + f.sin() - f.cos() / 3 + torch.tanh(f) * emissions
";
    let report = analyze(source);
    assert_advice(&report, "HMM.forward_backward", "torch", false);
    assert_advice(&report, "HMM.smoothed", "torch", true);
}

/// In a module whose classes define `@` (linear_operator's `_matmul`), `self.inverse() @ rhs`
/// runs that class's Python code, not one BLAS call; a product of plain tensors there still
/// is one. `u.unsqueeze(-2) @ w.unsqueeze(-1)` is a batch of dot products.
#[test]
fn overloaded_products_and_dot_products_get_no_library_note() {
    let source = "\
import torch


class PermutationOperator:
    def _matmul(self, rhs: torch.Tensor) -> torch.Tensor:
        return self.inverse() @ rhs

    def dense(self, left: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
        return left @ rhs.mT


def planar_log_det(psi_z: torch.Tensor, u_hat: torch.Tensor):
    return (psi_z.unsqueeze(-2) @ u_hat.unsqueeze(-1)).squeeze(-1)
";
    let report = analyze(source);
    assert!(!reports(&report, "PermutationOperator._matmul", "GEN401"));
    assert!(reports(&report, "PermutationOperator.dense", "GEN401"));
    assert!(!reports(&report, "planar_log_det", "GEN401"));
}
