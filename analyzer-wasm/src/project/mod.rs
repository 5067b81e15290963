//! What `jitlens check` learns about a project before it analyzes its modules one by one:
//!
//! - the project's own compilers (a class whose `wrap` builds a Numba gufunc, a function that
//!   returns `numba.njit(f)`), so that a function one of them decorates in another module is
//!   known to be compiled;
//! - its `nn.Module` classes ([`torch_models`]): what a project with models compiles is its
//!   models, and a function no model reaches gets no torch blockers;
//! - the functions that JAX-traced code of another module calls by name, which run traced in
//!   the module that defines them too.

mod torch_models;

pub use torch_models::ClassHeaders;
pub(crate) use torch_models::TorchModels;

use crate::model::{library_constants, numba_compilers, Imports, ProjectFacts};
use crate::report::Report;
use crate::{analysis, parse, LineIndex};

/// What the analysis of one module teaches the project ([`Project::analyze_module`]): the
/// names its JAX-compiled or traced functions call that it imports from the project's other
/// modules (functions that run traced where they are defined too), its functions that return
/// only type and shape tests, and the names it imports from the project and calls in a branch
/// test.
#[derive(Debug, Default)]
pub struct ModuleFacts {
    pub(crate) jax_callees: Vec<String>,
    pub(crate) static_predicates: Vec<String>,
    pub(crate) imported: Vec<String>,
}

/// Facts about the modules of one project.
#[derive(Debug, Default)]
pub struct Project {
    facts: ProjectFacts,
}

impl Project {
    /// Reads one module of the project for the compilers it defines and the library constants
    /// it re-exports. A module that does not parse teaches nothing.
    pub fn learn(&mut self, source: &str) {
        let Ok(suite) = parse(source, &LineIndex::new(source)) else {
            return;
        };
        let imports = Imports::collect(&suite);
        self.facts
            .numba_compilers
            .extend(numba_compilers(&suite, &imports));
        self.facts
            .library_constants
            .extend(library_constants(&suite, &imports));
    }

    /// Adds what the analysis of one module teaches ([`ModuleFacts`]).
    pub fn learn_from(&mut self, facts: &ModuleFacts) {
        self.facts
            .jax_traced_imports
            .extend(facts.jax_callees.iter().cloned());
        self.facts
            .static_predicates
            .extend(facts.static_predicates.iter().cloned());
    }

    /// Adds the class headers of one module of the project ([`ClassHeaders::read`]).
    pub fn learn_classes(&mut self, headers: ClassHeaders) {
        self.facts.torch_models.add(headers);
    }

    /// Names of the project's classes and functions that compile with Numba.
    pub fn numba_compilers(&self) -> impl Iterator<Item = &str> {
        self.facts.numba_compilers.iter().map(String::as_str)
    }

    /// Diagnostics and verdicts (no strategies) of one module of the project whose name is not
    /// known.
    pub fn analyze(&self, source: &str) -> Report {
        self.analyze_module("", source).0
    }

    /// Diagnostics and verdicts of the module `name` (dotted: `shap.plots._utils`, which says
    /// it is plotting code), and what the module teaches the project, for
    /// [`Project::learn_from`].
    pub fn analyze_module(&self, name: &str, source: &str) -> (Report, ModuleFacts) {
        let index = LineIndex::new(source);
        match parse(source, &index) {
            Ok(suite) => analysis::run_in(&suite, source, &index, &self.facts, name),
            Err(report) => (report, ModuleFacts::default()),
        }
    }

    /// Whether a module analyzed before the project knew everything ([`ModuleFacts`] of every
    /// module) would be judged otherwise now: it defines a function that JAX-traced code of
    /// another module calls, or imports a type-and-shape test another module defines.
    pub fn needs_another_look(&self, report: &Report, facts: &ModuleFacts) -> bool {
        report
            .functions
            .iter()
            .any(|f| self.facts.jax_traced_imports.contains(f.name.as_str()))
            || facts
                .imported
                .iter()
                .any(|name| self.facts.static_predicates.contains(name))
    }
}
