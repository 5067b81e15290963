//! The liveness questions only rewrites ask, built on `model::liveness`: which names the code
//! after a region reads, and so which names a region hands on.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::{liveness, walk};

/// Every name loaded anywhere in `region` (nested blocks included, nested scopes excluded).
pub(crate) fn names_loaded(region: &[ast::Stmt]) -> HashSet<&str> {
    let mut loaded = HashSet::new();
    walk::for_each_stmt(region, &mut |stmt| loaded.extend(liveness::loaded_by(stmt)));
    loaded
}

/// The names `region` binds that the code after it reads: its results, sorted.
pub(crate) fn region_outputs<'a>(region: &'a [ast::Stmt], after: &[ast::Stmt]) -> Vec<&'a str> {
    let read_after = names_loaded(after);
    let mut outputs: Vec<&str> = liveness::names_bound(region)
        .into_iter()
        .filter(|n| read_after.contains(n))
        .collect();
    outputs.sort_unstable();
    outputs
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;

    #[test]
    fn outputs_are_bound_in_the_region_and_read_after() {
        let suite =
            ast::Suite::parse("t = a + b\ns += t\nu = t * c\nprint(u, s)\n", "<test>").unwrap();
        assert_eq!(region_outputs(&suite[..3], &suite[3..]), ["s", "u"]);
        assert!(names_loaded(&suite[3..]).contains("print"));
    }
}
