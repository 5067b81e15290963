//! Functions that exist to read array data back to Python: their graph breaks are their purpose,
//! and no JIT decision is worth making about them.

use rustpython_parser::ast::{self, Ranged};

use crate::model::function::CallSite;
use crate::model::{walk, FunctionModel, Kind, ModuleModel};

/// Whether every `return` hands back Python values taken out of arrays (`x.item()`,
/// `t.tolist()`, `bool(...)`), or the function is annotated `-> bool` and works on arrays: a
/// metric, a check, a hook.
pub(crate) fn returns_host_values(model: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    // Ex) `def validate_bbox(boxes: Tensor) -> bool:` that tests tensor values: a predicate
    // whose answer is a Python bool by design.
    let returns_bool =
        matches!(model.syntax.returns, Some(ast::Expr::Name(name)) if name.id.as_str() == "bool");
    if returns_bool && model.does_array_work() {
        return true;
    }
    let mut returns = 0;
    let mut host = 0;
    walk::for_each_stmt(model.syntax.body, &mut |stmt| {
        let ast::Stmt::Return(ret) = stmt else { return };
        returns += 1;
        let Some(value) = ret.value.as_deref() else {
            return;
        };
        let is_host = match value {
            ast::Expr::Name(name) => model.tensor_scalars.contains(name.id.as_str()),
            ast::Expr::Call(call) => {
                let method = matches!(&*call.func, ast::Expr::Attribute(a) if matches!(a.attr.as_str(), "item" | "tolist"));
                let conversion = matches!(
                    module.imports.qualified_name(&call.func).as_deref(),
                    Some("builtins.float" | "builtins.int" | "builtins.bool")
                ) && call.args.first().is_some_and(|arg| {
                    model.kind_of(arg, module).is_array() || matches!(arg, ast::Expr::Call(_))
                });
                method || conversion
            }
            _ => false,
        };
        host += usize::from(is_host);
    });
    returns > 0 && returns == host
}

/// Whether the function is driven from the host: it reads array data back to Python
/// (`.item()`, `.tolist()`, `.cpu()`/`.numpy()`, or `float`/`int`/`bool` of an array) at two
/// places or more, or inside a loop or comprehension, where every iteration syncs. Each read
/// is a graph break, so compiled it runs as three graphs or more: code written to run eagerly
/// (a RANSAC loop, a metric over detections, a drawing routine). One read (the brief's
/// `adaptive_processing`) leaves a candidate whose break is the finding. A branch on an array
/// (`if t.max() > v:`) does not count: that is the break a rewrite removes. A function that
/// reads the clock (`time.perf_counter()`) is a benchmark or a driver, host-driven too, and so
/// is one that loops over backward passes and optimizer steps (a training loop).
pub(crate) fn host_driven(model: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    // A function that reads the clock measures something: a benchmark or a driver.
    let reads_clock = model.calls.iter().any(|call| {
        matches!(
            call.qualified.as_deref(),
            Some(
                "time.time"
                    | "time.perf_counter"
                    | "time.perf_counter_ns"
                    | "time.monotonic"
                    | "time.process_time"
                    | "timeit.default_timer"
            )
        )
    });
    // Ex) `for epoch in ...: loss.backward(); optimizer.step()`: a training loop drives the
    // model from Python; what one compiles is the model or the step, not the loop around it.
    let in_a_loop = |name: &str| {
        model.calls.iter().any(|call| {
            call.method == Some(name)
                && model
                    .loops
                    .iter()
                    .any(|loop_| loop_.stmt.range().contains_range(call.expr.range))
        })
    };
    let trains = in_a_loop("backward") && (in_a_loop("step") || in_a_loop("zero_grad"));
    if reads_clock || trains {
        return true;
    }
    let reads: Vec<_> = model
        .calls
        .iter()
        .filter(|call| reads_to_host(call, model, module))
        // What runs only eagerly reads nothing in compiled code.
        .filter(|call| {
            !model
                .eager_only
                .iter()
                .any(|region| region.contains_range(call.expr.range))
        })
        .map(|call| call.expr.range)
        .collect();
    match reads.len() {
        0 => return false,
        1 => (),
        _ => return true,
    }
    let mut repeated = model
        .loops
        .iter()
        .map(|loop_| loop_.stmt.range())
        .collect::<Vec<_>>();
    walk::for_each_expr_in(model.syntax.body, &mut |expr| {
        if matches!(
            expr,
            ast::Expr::ListComp(_)
                | ast::Expr::SetComp(_)
                | ast::Expr::DictComp(_)
                | ast::Expr::GeneratorExp(_)
        ) {
            repeated.push(expr.range());
        }
    });
    repeated
        .iter()
        .any(|range| reads.iter().any(|read| range.contains_range(*read)))
}

fn reads_to_host(call: &CallSite<'_>, model: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    // Ex) `x[i].item()` reads one element: the element loop a rewrite vectorises.
    let element = matches!(call.receiver, Some(ast::Expr::Subscript(_)));
    // `.tolist()` is an array method whatever the receiver's inferred kind.
    let method = !element
        && match call.method {
            Some("item" | "cpu" | "numpy") => call.receiver_kind.is_array(),
            Some("tolist") => {
                matches!(call.receiver_kind, Kind::Unknown) || call.receiver_kind.is_array()
            }
            _ => false,
        };
    let conversion = call
        .converted_argument()
        .is_some_and(|arg| model.kind_of(arg, module).is_array());
    method || conversion
}
