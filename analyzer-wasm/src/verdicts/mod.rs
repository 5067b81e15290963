//! Verdicts: for each function and each framework, whether compiling it would pay, with the
//! estimate from the cost model, the rules that argue for it and those that stand in the way.

mod callees;
mod cost;

use std::collections::BTreeMap;

use crate::model::{
    library_kernel_kind, numba_support, ppl, Framework, FunctionModel, Library, LoopIter,
    LoopModel, ModuleModel,
};
use crate::report::{Config, Diagnostic, Estimate, Severity, Verdict};
use crate::rules::{general, numba, Family, Rule};

/// Codes that argue for compiling.
const REASONS: &[&str] = &["NB401", "NB205", "GEN402"];
/// Profitability codes that argue against compiling, whatever the framework.
const AGAINST: &[&str] = &["GEN401", "GEN403"];

/// The verdicts for one function, best first.
pub(crate) fn judge(
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &[Diagnostic],
) -> Vec<Verdict> {
    let work = work(function, module);
    let mut verdicts: Vec<Verdict> = Framework::ALL
        .iter()
        .map(|framework| verdict(*framework, function, module, diagnostics, work))
        .collect();
    // Best first; among equals, the JIT the function is compiled with, then the ones whose
    // library it uses (a `@torch.compile` function's "compiled already" before Numba's "none").
    let own = |v: &Verdict| {
        let framework = Framework::ALL
            .iter()
            .find(|f| f.as_str() == v.framework)
            .copied();
        let uses = framework.is_some_and(|f| function.uses(f.library()));
        (!v.compiled, !uses)
    };
    verdicts.sort_by(|a, b| {
        let mean = |v: &Verdict| {
            v.estimate
                .map_or(0.0, |e| (e.speedup_low * e.speedup_high).sqrt())
        };
        cost::rank(&a.benefit)
            .cmp(&cost::rank(&b.benefit))
            .then(mean(b).total_cmp(&mean(a)))
            .then(own(a).cmp(&own(b)))
    });
    verdicts
}

/// Whether compiling `function` with `framework` would pay once what stands in the way is
/// fixed: the estimate from its work alone, the findings of that framework left out, is
/// "medium" or "high". A graph break in a function that gains little compiled even without
/// it changes no JIT decision.
pub(crate) fn pays_without_blockers(
    framework: Framework,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &[Diagnostic],
) -> bool {
    let others: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| family_of(&d.code).and_then(Family::framework) != Some(framework))
        .cloned()
        .collect();
    let (estimate, _) = estimate(
        framework,
        function,
        module,
        &others,
        work(function, module),
        false,
    );
    estimate.is_some_and(|e| matches!(cost::level(e), "high" | "medium"))
}

/// Drops the blockers of each framework a function is not compiled with where compiling it
/// with that framework would gain little even without them: they change no JIT decision. The
/// findings that argue for compiling (NB401, NB205) stay, and so do torch's recompiles (PT3xx):
/// they make compiling slower than eager, which is a decision.
pub(crate) fn keep_what_decides(
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for framework in Framework::ALL {
        let blocker = |d: &Diagnostic| is_blocker_of(framework, d);
        if function.is_compiled_with(framework) || !diagnostics.iter().any(blocker) {
            continue;
        }
        let recompiles = framework == Framework::Torch
            && diagnostics
                .iter()
                .any(|d| blocker(d) && is_recompile(&d.code));
        if !recompiles && !pays_without_blockers(framework, function, module, diagnostics) {
            diagnostics.retain(|d| !blocker(d));
        }
    }
}

/// Drops the torch blockers of a function that is not compiled and that no model of the
/// project runs ([`ModuleModel::torch_reaches`]): a metric, a transform, a driver. Its verdicts
/// are judged first, with them: that compiling it would break the graph stays true.
pub(crate) fn keep_what_models_run(
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !function.is_compiled_with(Framework::Torch) && !module.torch_reaches(&function.syntax.name)
    {
        diagnostics.retain(|d| !is_blocker_of(Framework::Torch, d));
    }
}

/// Whether `diagnostic` is a finding of `framework` that stands in the way of compiling.
fn is_blocker_of(framework: Framework, diagnostic: &Diagnostic) -> bool {
    family_of(&diagnostic.code).and_then(Family::framework) == Some(framework)
        && !REASONS.contains(&diagnostic.code.as_str())
}

/// Drops the fusion opportunity (GEN402, never reported in compiled code) of a function whose
/// verdicts say compiling it does not pay ("low" or "none": a private helper its caller
/// compiles, kernels that hold the time, graph breaks): an opportunity the verdict turns down
/// is no advice.
pub(crate) fn keep_opportunities_that_pay(verdicts: &[Verdict], diagnostics: &mut Vec<Diagnostic>) {
    let pays = verdicts.iter().any(|v| {
        v.framework != Framework::Numba.as_str() && matches!(v.benefit.as_str(), "high" | "medium")
    });
    if !pays {
        diagnostics.retain(|d| d.code != general::fusible_elementwise_chain::CODE);
    }
}

fn work(function: &FunctionModel<'_>, module: &ModuleModel<'_>) -> cost::Work {
    let loop_nest = function
        .loops
        .iter()
        .filter(|l| numba::interpreted_array_loop::compiles(function, l, module))
        .map(|l| numba::interpreted_array_loop::nest_depth(function, l))
        .max()
        .unwrap_or(0);
    cost::Work {
        loop_nest,
        chain: function.ops.fusible(),
        longest_run: function.ops.longest_run(),
        kernels: function.ops.kernels,
        too_small: general::too_small_function::is_too_small(function, module),
    }
}

fn family_of(code: &str) -> Option<Family> {
    Rule::by_code(code).map(|rule| rule.family)
}

fn verdict(
    framework: Framework,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &[Diagnostic],
    work: cost::Work,
) -> Verdict {
    let mine = |d: &&Diagnostic| {
        family_of(&d.code).is_some_and(|f| f.framework() == Some(framework) || f == Family::General)
    };
    let mut reasons: Vec<String> = Vec::new();
    let mut blockers: Vec<String> = Vec::new();
    for diagnostic in diagnostics.iter().filter(mine) {
        let code = diagnostic.code.clone();
        let list = if REASONS.contains(&code.as_str()) {
            &mut reasons
        } else if AGAINST.contains(&code.as_str())
            || diagnostic.severity != Severity::Info
            || is_recompile(&code)
        {
            &mut blockers
        } else {
            continue;
        };
        if !list.contains(&code) {
            list.push(code);
        }
    }
    if framework == Framework::Numba {
        reasons.retain(|c| c != "GEN402");
    }
    // A torch graph break is not a failure (Dynamo falls back to Python) unless
    // `fullgraph=True` makes it one; for the other JITs an error-level finding fails the call.
    let breaks_fail = framework != Framework::Torch
        || function
            .jit_for(Framework::Torch)
            .is_some_and(|d| d.flag("fullgraph"));
    let failing = breaks_fail
        && diagnostics.iter().filter(mine).any(|d| {
            declared_error(&d.code)
                && family_of(&d.code).and_then(Family::framework) == Some(framework)
        });
    // Findings speak only for a framework that can compile the function's arrays.
    let own = framework.library();
    let applicable = match framework {
        Framework::Numba => !function.libraries.iter().any(|l| *l != Library::Numpy),
        _ => function.uses(own),
    };
    if !applicable {
        reasons.clear();
        blockers.clear();
    }
    let (mut estimate, mut summary) =
        estimate(framework, function, module, diagnostics, work, failing);
    // Ex) `np.subtract.outer(t, t)` next to the loop: `@njit` fails on the function as written.
    // Once that call is rewritten the loop pays ([`pays_without_blockers`] keeps its findings),
    // but as written compiling gains nothing.
    let library_blocker = function.body_blocker.as_ref().filter(|b| b.library_call);
    if let (Framework::Numba, Some(blocker), true) =
        (framework, library_blocker, work.loop_nest > 0)
    {
        if !function.is_compiled() {
            estimate = Some(cost::NOTHING);
            summary = format!(
                "The loop compiles, but the function {}: @njit fails as written; replace that call, or move the loop into a kernel of its own.",
                blocker.what
            );
        }
    }
    if applicable {
        if let Some(note) = varying_shapes_note(framework, function) {
            summary.push(' ');
            summary.push_str(&note);
        }
    }
    let benefit = match estimate {
        Some(estimate) => cost::level(estimate),
        None => "harmful",
    };
    let config = (benefit != "harmful" && benefit != "none")
        .then(|| config(framework, function, module, diagnostics));
    Verdict {
        framework: framework.as_str().to_owned(),
        benefit: benefit.to_owned(),
        estimate,
        reasons,
        blockers,
        config,
        summary,
        strategy: None,
        explains: !function.loops.is_empty()
            || function.does_array_work()
            || function.is_compiled(),
        no_rewrite: None,
        compiled: function.is_compiled_with(framework),
    }
}

/// Whether the rule is an error where the function is compiled (diagnostics on functions not
/// compiled yet carry it as a warning).
fn declared_error(code: &str) -> bool {
    Rule::by_code(code).is_some_and(|rule| rule.severity == Severity::Error)
}

fn is_recompile(code: &str) -> bool {
    code.chars().find(char::is_ascii_digit) == Some('3')
}

fn estimate(
    framework: Framework,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &[Diagnostic],
    work: cost::Work,
    failing: bool,
) -> (Option<Estimate>, String) {
    let own = framework.library();
    let others: Vec<Library> = function
        .libraries
        .iter()
        .copied()
        .filter(|l| *l != own && *l != Library::Numpy)
        .collect();
    // Not "harmful": no one reaches for `@njit` on torch or JAX code, so the page and `check`
    // say why Numba does not apply instead of warning in red about a framework no one asked for.
    if framework == Framework::Numba && !others.is_empty() {
        return (
            Some(cost::NOTHING),
            format!(
                "Numba cannot compile {} arrays; it compiles NumPy code.",
                library_name(others[0])
            ),
        );
    }
    // Ex) a plotting helper's loop over a feature tree, a synthetic test function: whatever
    // it computes, no JIT decision is about it. Said only for a framework that could take the
    // function: a torch helper in a plotting module still says why JAX does not apply.
    let could_take = framework == Framework::Numba || function.uses(own);
    if let (Some(role), false, true) = (function.role, function.is_compiled(), could_take) {
        return (
            Some(cost::NOTHING),
            format!(
                "Not a candidate for {}: {}.",
                framework.decorator(),
                role.why()
            ),
        );
    }
    if framework != Framework::Numba
        && function.uses(own)
        && !function.is_compiled()
        && !function.targets(framework)
    {
        let why = if function.returns_host_values {
            "it exists to read array data back as Python values (every `return` is one), which is what breaks a graph"
        } else if framework == Framework::Torch && function.torch_excluded {
            "it is excluded from compiling (a `disable` decorator, or a data pipeline driven by Python's `random`)"
        } else if function.array_ops(own) == 0 {
            "the body is set-up, I/O or calls into other code"
        } else {
            "it builds its arrays from scratch (set-up code), with no array input to work on"
        };
        return (
            Some(cost::NOTHING),
            format!(
                "No {} array work for {} to compile: {why}.",
                library_name(own),
                framework.decorator()
            ),
        );
    }
    if framework != Framework::Numba && !function.uses(own) {
        let what = if work.loop_nest > 0 || work.chain > 0 {
            "would need a port to its array API"
        } else {
            "has no array work for it"
        };
        return (
            Some(cost::NOTHING),
            format!(
                "The function does not use {}; it {what}.",
                library_name(own)
            ),
        );
    }
    if framework == Framework::Torch
        && !function.is_compiled()
        && ppl::runs_pyro_primitives(&function.calls)
    {
        return (
            Some(cost::NOTHING),
            "A Pyro model or guide: its time is in Pyro's effect handlers around each sample site and in the inference that runs it, not in tensor kernels; compile the inference step instead (`JitTrace_ELBO`, `jit_compile=True` for HMC and NUTS).".to_owned(),
        );
    }
    // Dynamo and `jax.jit` inline what a compiled function calls: a private helper is compiled
    // with its caller, and compiled alone it pays a call's guards for a few operations.
    if framework != Framework::Numba && !function.is_compiled() && !failing {
        if let Some(caller) = module.call_contexts.callers.get(&function.syntax.name) {
            return (
                Some(cost::NOTHING),
                format!(
                    "A private helper of `{caller}`: compiling `{caller}` compiles it too (it is inlined), so compile the caller rather than this function alone."
                ),
            );
        }
    }
    if failing {
        let summary = match (&function.traced, function.jit_for(framework)) {
            (Some(tracing), None) if tracing.framework == framework => format!(
                "Traced already ({}), and it fails there as written: fix the errors listed as blockers.",
                tracing.by
            ),
            (_, Some(_)) => format!(
                "Compiled with {} already, and it fails as written: fix the errors listed as blockers.",
                framework.decorator()
            ),
            _ => format!(
                "Compiling with {} fails as written: fix the errors listed as blockers first.",
                framework.decorator()
            ),
        };
        return (None, summary);
    }
    let has = |code: &str| diagnostics.iter().any(|d| d.code == code);
    if framework == Framework::Torch {
        let breaks = diagnostics
            .iter()
            .filter(|d| declared_error(&d.code) && d.code.starts_with("PT0"))
            .count();
        if breaks > 0 && has("PT301") {
            return (Some(cost::BREAKS_AND_RECOMPILES), format!("{breaks} graph break(s) and data-dependent recompiles: compiled code runs as small graphs and keeps recompiling, slower than eager."));
        }
        if breaks > 0 {
            return (Some(cost::NOTHING), format!("{breaks} graph break(s) split the function into small graphs with Python in between: little to gain."));
        }
    }
    if function.is_compiled_with(framework) {
        let how = match (&function.traced, function.jit_for(framework)) {
            (Some(tracing), None) => format!("Traced already ({})", tracing.by),
            _ => format!("Compiled with {} already", framework.decorator()),
        };
        return (
            Some(cost::NOTHING),
            format!("{how}: adding a decorator gains nothing more."),
        );
    }
    let candidate =
        function.targets(framework) || function.does_array_work() || function.is_compiled();
    if work.too_small && work.loop_nest == 0 && candidate {
        return (
            Some(cost::TOO_SMALL),
            "Too little work: the compiled call's overhead costs more than it saves.".to_owned(),
        );
    }
    if work.loop_nest > 0 && framework == Framework::Numba {
        if let Some(blocker) = function.body_blocker.as_ref().filter(|b| !b.library_call) {
            return (
                Some(cost::NOTHING),
                format!(
                    "The loop compiles, but the function {}: @njit fails on the whole function; move the loop into a kernel of its own.",
                    blocker.what
                ),
            );
        }
    }
    if work.loop_nest > 0 {
        return match framework {
            Framework::Numba => {
                let over = if function.loops.iter().any(LoopModel::touches_arrays) {
                    "array elements"
                } else {
                    "numbers"
                };
                (
                    Some(cost::loops(work.loop_nest)),
                    format!(
                        "A {}-deep Python loop over {over} compiles to machine code.",
                        work.loop_nest
                    ),
                )
            }
            _ => (Some(cost::NOTHING), "Python loops are unrolled while tracing: compile time grows with the trip count and the loop itself is not sped up.".to_owned()),
        };
    }
    if work.kernels > 0 && work.chain < general::fusible_elementwise_chain::MIN_CHAIN {
        let mut kinds: Vec<&str> = function
            .calls
            .iter()
            .filter_map(library_kernel_kind)
            .collect();
        if function.ops.kernels > kinds.len() {
            kinds.push("matrix products (BLAS)");
        }
        kinds.dedup();
        return (
            Some(cost::KERNEL_BOUND),
            format!(
                "The time is in library kernels ({}) that compiling does not change.",
                kinds.join(", ")
            ),
        );
    }
    if framework == Framework::Numba {
        if let Some((line_loop, blocker)) = first_loop_blocker(function, module) {
            let numeric = line_loop.touches_arrays()
                || numba_support::is_numeric_loop(function, line_loop, module)
                || line_loop.iter == LoopIter::Range;
            let advice = if numeric {
                "@njit fails on it as written; compile what it calls too, or move the numeric part into a kernel"
            } else {
                "no JIT compiles that; Numba takes loops over numbers and NumPy arrays (move the numbers into arrays first, or use built-ins and comprehensions)"
            };
            return (
                Some(cost::NOTHING),
                format!("The loop {}: {advice}.", blocker.what),
            );
        }
        if function
            .loops
            .iter()
            .any(|l| l.depth == 1 && l.whole_array_work)
        {
            return (Some(cost::VECTORIZED_NUMPY), "Each iteration of its loop runs NumPy on whole arrays, already library kernels: compiling saves only the per-call overhead, which pays on small arrays alone.".to_owned());
        }
        if work.chain >= 2 {
            return (Some(cost::VECTORIZED_NUMPY), "Already vectorized NumPy: Numba only saves temporaries (parallel=True gains more).".to_owned());
        }
        return (
            Some(cost::NOTHING),
            "No loop or array work for Numba to speed up.".to_owned(),
        );
    }
    if let Some(method) = callees::looping_method(function, module, framework) {
        return (
            Some(cost::NOTHING),
            format!("It calls `self.{method}`, whose Python loop over an array's length is unrolled while tracing, once per step and again for each new length: compile that loop's body instead."),
        );
    }
    if work.chain >= general::fusible_elementwise_chain::MIN_CHAIN && !function.loops.is_empty() {
        return (
            Some(cost::NOTHING),
            "Its Python loops are unrolled while tracing (or break the graph): compile the loop body as a function of its own, not this one.".to_owned(),
        );
    }
    if work.chain >= general::fusible_elementwise_chain::MIN_CHAIN
        && framework == Framework::Jax
        && general::fusible_elementwise_chain::traced_by_its_caller_as_a_rule(function)
    {
        return (
            Some(cost::VECTORIZED_NUMPY),
            format!(
                "{} elementwise operations would fuse if it were called on its own, but JAX code is traced inside a jitted caller (a training or solver step): jit that step, not each helper.",
                work.chain
            ),
        );
    }
    if work.chain >= general::fusible_elementwise_chain::MIN_CHAIN {
        let summary = if work.longest_run >= work.chain {
            format!(
                "{} elementwise operations fuse into one pass over memory instead of {} kernels.",
                work.chain, work.chain
            )
        } else {
            format!(
                "{} elementwise operations fuse into a few passes over memory instead of {} kernels (at most {} run one after another with no library kernel between them, and fuse into one).",
                work.chain, work.chain, work.longest_run
            )
        };
        return (Some(cost::fusion(work.chain, work.kernels)), summary);
    }
    (
        Some(cost::NOTHING),
        "Too few operations to fuse.".to_owned(),
    )
}

/// The first outermost loop that Numba does not compile as written, with what stops it.
fn first_loop_blocker<'f, 'a>(
    function: &'f FunctionModel<'a>,
    module: &ModuleModel<'_>,
) -> Option<(&'f LoopModel<'a>, numba_support::Blocker)> {
    function
        .loops
        .iter()
        .filter(|l| l.depth == 1 && l.iter != LoopIter::TensorRange)
        .find_map(|l| numba_support::loop_blocker(function, l, module).map(|b| (l, b)))
}

fn library_name(library: Library) -> &'static str {
    match library {
        Library::Numpy => "NumPy",
        Library::Torch => "torch",
        Library::Jax => "JAX",
        Library::TensorFlow => "TensorFlow",
    }
}

/// What a trace's varying shapes mean for `framework`: a compile per shape, and the remedy.
fn varying_shapes_note(framework: Framework, function: &FunctionModel<'_>) -> Option<String> {
    let shapes = function
        .varying_shapes
        .iter()
        .map(|(name, count)| format!("`{name}` with {count} shapes"))
        .collect::<Vec<_>>()
        .join(", ");
    if shapes.is_empty() {
        return None;
    }
    let remedy = match framework {
        Framework::Torch => {
            "torch.compile compiles again for a new shape until it marks the dimension dynamic: \
             compile with dynamic=True (or torch._dynamo.mark_dynamic on the varying dimension)"
        }
        Framework::Jax => {
            "jax.jit compiles once per shape: pad the inputs to a few sizes (buckets) so the \
             compiles are counted and paid once"
        }
        Framework::TensorFlow => {
            "tf.function traces once per shape: reduce_retracing=True (or an input_signature \
             with None dimensions) keeps it to one"
        }
        // Numba compiles once per dtype and dimension count, not per shape.
        Framework::Numba => return None,
    };
    Some(format!("The trace saw {shapes}: {remedy}."))
}

fn config(
    framework: Framework,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    diagnostics: &[Diagnostic],
) -> Config {
    let mut options = BTreeMap::new();
    let has = |code: &str| diagnostics.iter().any(|d| d.code == code);
    match framework {
        Framework::Numba => {
            options.insert("cache".to_owned(), "True".to_owned());
            if has("NB205") {
                options.insert("parallel".to_owned(), "True".to_owned());
            }
            let reduces = function.loops.iter().any(|l| !l.reductions.is_empty());
            if reduces && function.nan_reads(module).is_empty() {
                options.insert("fastmath".to_owned(), "True".to_owned());
            }
        }
        Framework::Torch => {
            if has("PT302") || has("PT303") || !function.varying_shapes.is_empty() {
                options.insert("dynamic".to_owned(), "True".to_owned());
            }
        }
        Framework::Jax => (),
        Framework::TensorFlow => {
            options.insert("jit_compile".to_owned(), "True".to_owned());
            if has("TF301") || !function.varying_shapes.is_empty() {
                options.insert("reduce_retracing".to_owned(), "True".to_owned());
            }
        }
    }
    Config {
        decorator: framework.decorator().to_owned(),
        options,
    }
}
