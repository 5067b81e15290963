//! How many dimensions a function's arrays visibly have: `n, c = X.shape` says `X` has two,
//! `np.empty((n, w, c))` makes an array of three. An index with fewer positions than the rank
//! takes a whole row or slab (`out[i] = X[i:i + w]`): vectorized work, not an element.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::walk;

/// Constructors whose first argument is the shape.
const SHAPED_CONSTRUCTORS: &[&str] = &["empty", "zeros", "ones", "full"];

/// The rank of each name the body shows, where every binding that shows one agrees.
pub(crate) fn ranks<'a>(body: &'a [ast::Stmt]) -> HashMap<&'a str, usize> {
    let mut ranks: HashMap<&'a str, Option<usize>> = HashMap::new();
    let mut note = |name: &'a str, rank: usize| {
        let entry = ranks.entry(name).or_insert(Some(rank));
        if *entry != Some(rank) {
            *entry = None;
        }
    };
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::Assign(assign) = stmt else {
            return;
        };
        for target in &assign.targets {
            match (target, &*assign.value) {
                // Ex) `n_timestamps, n_channels = X.shape`
                (ast::Expr::Tuple(tuple), ast::Expr::Attribute(attribute))
                    if attribute.attr.as_str() == "shape"
                        && tuple.elts.iter().all(|e| matches!(e, ast::Expr::Name(_))) =>
                {
                    if let ast::Expr::Name(array) = &*attribute.value {
                        note(array.id.as_str(), tuple.elts.len());
                    }
                }
                // Ex) `windows = np.empty((n_windows, size))`
                (ast::Expr::Name(name), ast::Expr::Call(call)) => {
                    if let Some(rank) = constructed_rank(call) {
                        note(name.id.as_str(), rank);
                    }
                }
                _ => (),
            }
        }
    });
    ranks
        .into_iter()
        .filter_map(|(name, rank)| Some((name, rank?)))
        .collect()
}

/// The rank of `np.empty((a, b))`, `np.zeros((a, b, c), dtype=...)`.
fn constructed_rank(call: &ast::ExprCall) -> Option<usize> {
    let ast::Expr::Attribute(attribute) = &*call.func else {
        return None;
    };
    if !SHAPED_CONSTRUCTORS.contains(&attribute.attr.as_str()) {
        return None;
    }
    match call.args.first()? {
        ast::Expr::Tuple(shape) => Some(shape.elts.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::ranks;

    #[test]
    fn shapes_unpacked_and_constructed_give_ranks() {
        let source = "\
n, c = X.shape
out = np.empty((n, 3, c))
flat = np.zeros((n,))
both = np.zeros((n, c))
both = np.zeros((n,))
";
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let ranks = ranks(&suite);
        assert_eq!(ranks.get("X"), Some(&2));
        assert_eq!(ranks.get("out"), Some(&3));
        assert_eq!(ranks.get("flat"), Some(&1));
        assert_eq!(ranks.get("both"), None);
    }
}
