//! A project's own compilers: classes and functions whose code calls Numba's compilers
//! (`numba.guvectorize`, `numba.njit`), so that a function they decorate is compiled
//! (`@groupndreduce.wrap()`, `@ndmatrix(...)` in numbagg, whose `wrap` builds a gufunc).

use std::collections::BTreeSet;

use rustpython_parser::ast;

use crate::model::kind::Framework;
use crate::model::walk;
use crate::model::Imports;

/// The names of the module's top-level classes, functions and aliases that compile with Numba:
/// their code calls one of Numba's compilers, or they derive from such a class of the module
/// (classes), return a call of such a function (functions) or are Numba's compiler itself
/// (`njit = numba.njit`).
pub(crate) fn numba_compilers(suite: &[ast::Stmt], imports: &Imports) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    // Ex) `if not DISABLE_JIT: njit = numba.njit`: an alias of Numba's own compiler;
    // `ngjit = nb.jit(nopython=True, nogil=True)` (datashader): one configured.
    walk::for_each_stmt(suite, &mut |stmt| {
        let ast::Stmt::Assign(assign) = stmt else {
            return;
        };
        // `fast = numba.njit(slow)` is a compiled function, not a compiler.
        let compiler = match &*assign.value {
            ast::Expr::Call(call) if !call.args.iter().any(|a| a.is_name_expr()) => &call.func,
            value => value,
        };
        let compiles = imports
            .qualified_name(compiler)
            .as_deref()
            .and_then(Framework::of_decorator)
            == Some(Framework::Numba);
        if compiles {
            for target in &assign.targets {
                if let ast::Expr::Name(name) = target {
                    found.insert(name.id.to_string());
                }
            }
        }
    });
    for stmt in suite {
        let (name, body) = match stmt {
            ast::Stmt::ClassDef(class) => (class.name.as_str(), &class.body),
            ast::Stmt::FunctionDef(def) => (def.name.as_str(), &def.body),
            _ => continue,
        };
        if calls_numba_compiler(body, imports) {
            found.insert(name.to_owned());
        }
    }
    // Ex) `class groupndreduce(NumbaBase)`, where `NumbaBase.wrap` calls `numba.guvectorize`;
    // `def _jit(npar): ... return _jit_custom(signatures)`, where `_jit_custom` returns
    // `nb.njit(signatures, ...)`.
    let is_found = |expr: &ast::Expr, found: &BTreeSet<String>| matches!(expr, ast::Expr::Name(name) if found.contains(name.id.as_str()));
    loop {
        let before = found.len();
        for stmt in suite {
            let derives = match stmt {
                ast::Stmt::ClassDef(class) => class
                    .bases
                    .iter()
                    .any(|base| is_found(base, &found))
                    .then(|| class.name.to_string()),
                ast::Stmt::FunctionDef(def) => def
                    .body
                    .iter()
                    .any(|stmt| {
                        matches!(stmt, ast::Stmt::Return(ret) if matches!(
                            ret.value.as_deref(),
                            Some(ast::Expr::Call(call)) if is_found(&call.func, &found)
                        ))
                    })
                    .then(|| def.name.to_string()),
                _ => None,
            };
            if let Some(name) = derives {
                found.insert(name);
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Calls `f` on each statement of `body`, nested blocks, functions and classes included.
fn for_each_stmt_deep<'a>(body: &'a [ast::Stmt], f: &mut impl FnMut(&'a ast::Stmt)) {
    for stmt in body {
        f(stmt);
        let nested: Vec<&[ast::Stmt]> = match stmt {
            ast::Stmt::FunctionDef(def) => vec![&def.body],
            ast::Stmt::AsyncFunctionDef(def) => vec![&def.body],
            ast::Stmt::ClassDef(class) => vec![&class.body],
            other => walk::child_blocks(other),
        };
        for block in nested {
            for_each_stmt_deep(block, f);
        }
    }
}

fn calls_numba_compiler(body: &[ast::Stmt], imports: &Imports) -> bool {
    let mut found = false;
    for_each_stmt_deep(body, &mut |stmt| {
        for expr in walk::own_exprs(stmt) {
            walk::walk_expr(expr, &mut |expr| {
                if let ast::Expr::Call(call) = expr {
                    found |= imports
                        .qualified_name(&call.func)
                        .as_deref()
                        .and_then(Framework::of_decorator)
                        == Some(Framework::Numba);
                }
            });
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::numba_compilers;
    use crate::model::Imports;

    #[test]
    fn classes_functions_and_configured_aliases_are_compilers() {
        let source = "\
import numba


class NumbaBase:
    @classmethod
    def wrap(cls, *args, **kwargs):
        return lambda func: cls(func, *args, **kwargs)

    def gufunc(self, signature):
        return numba.guvectorize(signature, '(n)->()', nopython=True)(self.func)


class groupndreduce(NumbaBase):
    pass


class Plain:
    def wrap(self):
        return self


def cached(func):
    return numba.njit(cache=True)(func)


ngjit = numba.jit(nopython=True, nogil=True)
fast = numba.njit(cached)
";
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let imports = Imports::collect(&suite);
        let found: Vec<String> = numba_compilers(&suite, &imports).into_iter().collect();
        assert_eq!(found, ["NumbaBase", "cached", "groupndreduce", "ngjit"]);
    }
}
