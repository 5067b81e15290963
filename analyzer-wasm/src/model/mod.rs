//! The model: what the rules and verdicts read instead of raw syntax.
//!
//! One [`ModuleModel`] per source (imports, module globals, `f = torch.compile(f)` wrappers) and
//! one [`FunctionModel`] per function (decorators, parameters, kinds, calls, branches, stores,
//! loops). Both are plain Rust over rustpython-parser's AST, built in one pass each.

mod compilers;
mod constants;
mod context;
pub(crate) mod eager;
mod function;
mod host;
mod imports;
mod infer;
mod kind;
pub(crate) mod liveness;
pub(crate) mod loop_work;
pub(crate) mod loops;
pub(crate) mod numba_dtypes;
pub(crate) mod numba_support;
pub(crate) mod observed;
mod op_counts;
mod ops;
pub(crate) mod ppl;
mod predicates;
pub(crate) mod ranks;
mod roles;
pub(crate) mod sizing;
pub(crate) mod small_matrix;
mod torch_reach;
mod usage;
pub(crate) mod walk;
mod zero_dim;

use std::collections::{BTreeSet, HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};

use crate::project::TorchModels;

pub(crate) use compilers::numba_compilers;
pub(crate) use constants::library_constants;
pub(crate) use context::{jax_traced_imports, Tracing};
pub(crate) use function::{CallSite, FunctionModel, FunctionSyntax, Param};
pub(crate) use imports::{last_segment, Imports, Library};
pub(crate) use kind::{Framework, Kind};
pub(crate) use loops::{LoopIter, LoopModel};
pub(crate) use ops::{is_static_query, library_kernel_kind, MUTATING_METHODS};
pub(crate) use predicates::STATIC_BUILTINS;

/// Module-level facts.
#[derive(Debug)]
pub(crate) struct ModuleModel<'a> {
    /// Import aliases.
    pub(crate) imports: Imports,
    /// Names assigned at module level (not functions, classes or imports), with how many times.
    pub(crate) globals: HashMap<&'a str, usize>,
    /// Names some function declares `global`.
    pub(crate) declared_global: HashSet<&'a str>,
    /// Names imported from modules that are not well-known libraries (the user's own modules).
    pub(crate) local_imports: HashSet<&'a str>,
    /// Functions compiled by a module-level call: `g = torch.compile(f, dynamic=False)`.
    pub(crate) wrapped: HashMap<&'a str, Vec<(Framework, Option<&'a ast::ExprCall>)>>,
    /// Calls at module level that may hand a function to a JAX transform
    /// (`kf_update_vmap = jax.vmap(kf_update, ...)`); [`context`] resolves them.
    pub(crate) module_level_calls: Vec<&'a ast::ExprCall>,
    /// Every function of the module, outermost first ([`functions`]).
    pub(crate) functions: Vec<FunctionSyntax<'a>>,
    /// The index in `functions` of each function reachable by its qualified name (methods are
    /// not: they are reached through their object), the first definition of a name.
    function_index: HashMap<String, usize>,
    /// Functions without a JIT decorator that run compiled all the same: called from compiled
    /// code, or passed to a JAX transform.
    pub(crate) traced: HashMap<String, Tracing>,
    /// Functions that compiled code calls (compiled themselves or not).
    pub(crate) called_from_compiled: HashSet<String>,
    /// Where the module calls its private functions: only eagerly, or only under compile.
    pub(crate) call_contexts: eager::CallContexts,
    /// Module-level functions that return only type and shape tests ([`predicates`]).
    pub(crate) static_predicates: HashSet<String>,
    /// The module's top-level classes and functions that compile with Numba ([`compilers`]).
    own_compilers: BTreeSet<String>,
    /// What the other modules of the project being checked define.
    project: &'a ProjectFacts,
    /// The functions a compiled model may run ([`torch_reach`]), in a project that defines
    /// `nn.Module` classes; `None` where it defines none and any function may be compiled.
    torch_reach: Option<HashSet<String>>,
    /// What a trace of the program saw each function called with, when there is one.
    observations: Option<&'a observed::Observations>,
    /// The module's dotted name (`shap.plots._utils`), empty where not known: it may say the
    /// module is plotting or test code ([`roles::Role`]).
    pub(crate) name: String,
}

/// What `jitlens check` learns about the modules of a project before it analyzes each.
#[derive(Debug, Default)]
pub(crate) struct ProjectFacts {
    /// The project's classes and functions that compile with Numba ([`compilers`]).
    pub(crate) numba_compilers: BTreeSet<String>,
    /// Names its modules bind to NumPy's and `math`'s constants (`pi = np.pi`): a function
    /// that imports one reads a value that never changes ([`constants`]).
    pub(crate) library_constants: BTreeSet<String>,
    /// Its `nn.Module` classes: what a project with models compiles is its models.
    pub(crate) torch_models: TorchModels,
    /// Names of its functions that JAX-traced code in another module calls
    /// ([`context::jax_traced_imports`]).
    pub(crate) jax_traced_imports: BTreeSet<String>,
    /// Names of its module-level functions that return only type and shape tests
    /// ([`predicates`]), for the modules that import them.
    pub(crate) static_predicates: BTreeSet<String>,
}

/// Roots of libraries whose names are not the user's own code.
const KNOWN_ROOTS: &[&str] = &[
    "numpy",
    "numba",
    "torch",
    "jax",
    "jaxlib",
    "tensorflow",
    "scipy",
    "pandas",
    "math",
    "cmath",
    "os",
    "sys",
    "re",
    "time",
    "logging",
    "functools",
    "itertools",
    "collections",
    "typing",
    "dataclasses",
    "random",
    "json",
    "copy",
    "warnings",
    "pathlib",
    "__future__",
    "abc",
    "enum",
    "operator",
    "sklearn",
    "matplotlib",
    "flax",
    "optax",
    "keras",
];

impl<'a> ModuleModel<'a> {
    /// The model with what a trace saw: parameters' kinds and shapes come from the calls.
    pub(crate) fn with_observations(mut self, observations: &'a observed::Observations) -> Self {
        self.observations = Some(observations);
        self
    }

    /// The signatures a trace saw the function `name` (qualified) called with.
    pub(crate) fn observed(&self, name: &str) -> Option<&'a [crate::protocol::ObservedSignature]> {
        self.observations?.get(name).map(Vec::as_slice)
    }

    /// Builds the module model.
    pub(crate) fn build(suite: &'a [ast::Stmt]) -> Self {
        static NO_PROJECT: ProjectFacts = ProjectFacts {
            numba_compilers: BTreeSet::new(),
            library_constants: BTreeSet::new(),
            torch_models: TorchModels::new(),
            jax_traced_imports: BTreeSet::new(),
            static_predicates: BTreeSet::new(),
        };
        Self::build_in(suite, &NO_PROJECT, "")
    }

    /// The model of the module `name` (dotted, `pkg.sub.mod`; empty where not known) of a
    /// project with the facts `project`.
    pub(crate) fn build_in(suite: &'a [ast::Stmt], project: &'a ProjectFacts, name: &str) -> Self {
        let imports = Imports::collect(suite);
        let own_compilers = compilers::numba_compilers(suite, &imports);
        let mut model = Self {
            imports,
            globals: HashMap::new(),
            declared_global: HashSet::new(),
            local_imports: HashSet::new(),
            wrapped: HashMap::new(),
            module_level_calls: Vec::new(),
            functions: functions(suite),
            function_index: HashMap::new(),
            traced: HashMap::new(),
            called_from_compiled: HashSet::new(),
            call_contexts: eager::CallContexts::default(),
            static_predicates: HashSet::new(),
            own_compilers,
            project,
            torch_reach: None,
            observations: None,
            name: name.to_owned(),
        };
        for stmt in suite {
            match stmt {
                ast::Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        if let ast::Expr::Name(name) = target {
                            *model.globals.entry(name.id.as_str()).or_default() += 1;
                        }
                    }
                    model.note_wrapper(&assign.value);
                    if let ast::Expr::Call(call) = &*assign.value {
                        model.module_level_calls.push(call);
                    }
                }
                ast::Stmt::AugAssign(assign) => {
                    if let ast::Expr::Name(name) = &*assign.target {
                        *model.globals.entry(name.id.as_str()).or_default() += 2;
                    }
                }
                ast::Stmt::AnnAssign(assign) => {
                    if let ast::Expr::Name(name) = &*assign.target {
                        *model.globals.entry(name.id.as_str()).or_default() += 1;
                    }
                }
                ast::Stmt::ImportFrom(import) => {
                    let module = import.module.as_ref().map_or("", |m| m.as_str());
                    let root = module.split('.').next().unwrap_or(module);
                    let relative = import.level.is_some_and(|level| level.to_u32() > 0);
                    if relative || !KNOWN_ROOTS.contains(&root) {
                        for alias in &import.names {
                            let local = alias.asname.as_ref().unwrap_or(&alias.name);
                            model.local_imports.insert(local.as_str());
                        }
                    }
                }
                _ => (),
            }
        }
        for (index, function) in model.functions.iter().enumerate() {
            if !function.is_method {
                model
                    .function_index
                    .entry(function.name.clone())
                    .or_insert(index);
            }
        }
        collect_global_declarations(suite, &mut model.declared_global);
        model.call_contexts = eager::call_contexts(&model.functions, &model);
        model.static_predicates = predicates::static_predicates(&model.functions, &model.imports);
        (model.traced, model.called_from_compiled) =
            context::traced_functions(&model.functions, &model);
        if project.torch_models.any() {
            model.torch_reach = Some(torch_reach::reached_functions(
                suite,
                &model,
                &project.torch_models,
            ));
        }
        model
    }

    /// Whether a compiled model may run the function `name` (qualified): always, in a project
    /// without `nn.Module` classes ([`torch_reach`]).
    pub(crate) fn torch_reaches(&self, name: &str) -> bool {
        self.torch_reach
            .as_ref()
            .is_none_or(|reached| reached.contains(name))
    }

    /// Whether a function of the module that runs in Python calls the module's function
    /// `name` (qualified) by name ([`context::called_from_python`]).
    pub(crate) fn is_called_from_python(&self, name: &str) -> bool {
        context::called_from_python(self, name)
    }

    /// Whether `name` is a function that returns only type and shape tests: defined in this
    /// module, or imported from another module of the project that defines it.
    pub(crate) fn is_static_predicate(&self, name: &str) -> bool {
        self.static_predicates.contains(name)
            || (self.local_imports.contains(name) && self.project.static_predicates.contains(name))
    }

    /// Whether `name` is a compiler of the project's own that compiles with Numba: defined in
    /// this module, or imported from another module of the project that defines it, or a
    /// decorator of the project that says so in its name (trackpy's `try_numba_autojit`, a
    /// `maybe_njit`; not aeon's `numba_thread_handler`), whose body may hand the function to
    /// Numba through a class of its own.
    pub(crate) fn is_numba_compiler(&self, name: &str) -> bool {
        let imported = self.local_imports.contains(name);
        let says_numba = || {
            let lower = name.to_ascii_lowercase();
            lower.contains("njit") || (lower.contains("numba") && lower.contains("jit"))
        };
        self.own_compilers.contains(name)
            || (imported && self.project.numba_compilers.contains(name))
            || ((imported || self.function_index.contains_key(name)) && says_numba())
    }

    /// Whether the project binds `name` to a library constant (`pi = np.pi`) in one of its
    /// modules.
    pub(crate) fn is_library_constant(&self, name: &str) -> bool {
        self.project.library_constants.contains(name)
    }

    /// Whether `module.member` names a compiler of the project that compiles with Numba: a
    /// module of the project imported whole (`from . import _numba_utils`) and one of its
    /// compilers.
    pub(crate) fn is_numba_compiler_of_module(&self, module: &str, member: &str) -> bool {
        self.local_imports.contains(module) && self.project.numba_compilers.contains(member)
    }

    /// The module's function that the name `id` refers to inside the function `scope`: a
    /// nested function first, then one at module level.
    pub(crate) fn function_named(&self, scope: &str, id: &str) -> Option<&FunctionSyntax<'a>> {
        let mut prefix = scope;
        loop {
            // A method is not reachable by its bare name.
            let found = if prefix.is_empty() {
                self.function_index.get(id)
            } else {
                self.function_index.get(format!("{prefix}.{id}").as_str())
            }
            .map(|index| &self.functions[*index]);
            if found.is_some() || prefix.is_empty() {
                return found;
            }
            prefix = prefix.rsplit_once('.').map_or("", |(outer, _)| outer);
        }
    }

    /// Whether the module function `function` is compiled with `framework`: decorated, wrapped
    /// by a module-level call, or traced by its caller.
    pub(crate) fn is_compiled_with(
        &self,
        function: &FunctionSyntax<'_>,
        framework: Framework,
    ) -> bool {
        let decorated = function.decorators.iter().any(|d| {
            function::JitDecorator::parse(d, self).is_some_and(|d| d.framework == framework)
        });
        decorated
            || self
                .wrapped
                .get(function.name.as_str())
                .is_some_and(|w| w.iter().any(|(f, _)| *f == framework))
            || self
                .traced
                .get(&function.name)
                .is_some_and(|t| t.framework == framework)
    }

    /// Records `g = torch.compile(f, ...)`, `g = jax.jit(f)`, `g = numba.njit(f)` and
    /// `g = numba.njit(parallel=True)(f)`.
    fn note_wrapper(&mut self, value: &'a ast::Expr) {
        let ast::Expr::Call(call) = value else { return };
        // Ex) `numba.njit(parallel=True)(f)`: the options are the inner call's.
        if let ast::Expr::Call(inner) = &*call.func {
            let framework = self
                .imports
                .qualified_name(&inner.func)
                .as_deref()
                .and_then(Framework::of_decorator);
            if let (Some(framework), Some(ast::Expr::Name(target))) = (framework, call.args.first())
            {
                self.wrapped
                    .entry(target.id.as_str())
                    .or_default()
                    .push((framework, Some(inner)));
            }
            return;
        }
        let Some(framework) = self
            .imports
            .qualified_name(&call.func)
            .as_deref()
            .and_then(Framework::of_decorator)
        else {
            return;
        };
        let Some(ast::Expr::Name(target)) = call.args.first() else {
            return;
        };
        self.wrapped
            .entry(target.id.as_str())
            .or_default()
            .push((framework, Some(call)));
    }

    /// Whether `name` is a module-level variable that is assigned more than once or declared
    /// `global` by some function: its value can change after a JIT has frozen it.
    pub(crate) fn is_mutable_global(&self, name: &str) -> bool {
        self.globals.get(name).is_some_and(|count| *count > 1)
            || self.declared_global.contains(name)
    }
}

fn collect_global_declarations<'a>(body: &'a [ast::Stmt], acc: &mut HashSet<&'a str>) {
    for stmt in body {
        match stmt {
            ast::Stmt::Global(global) => acc.extend(global.names.iter().map(|n| n.as_str())),
            ast::Stmt::FunctionDef(def) => collect_global_declarations(&def.body, acc),
            ast::Stmt::AsyncFunctionDef(def) => collect_global_declarations(&def.body, acc),
            ast::Stmt::ClassDef(class) => collect_global_declarations(&class.body, acc),
            other => {
                for block in walk::child_blocks(other) {
                    collect_global_declarations(block, acc);
                }
            }
        }
    }
}

/// Every function of a module, outermost first: top level, methods as `Class.method`, nested
/// functions as `outer.inner`.
pub(crate) fn functions(suite: &[ast::Stmt]) -> Vec<FunctionSyntax<'_>> {
    let mut acc = Vec::new();
    functions_in(&mut acc, suite, "", false);
    acc
}

fn functions_in<'a>(
    acc: &mut Vec<FunctionSyntax<'a>>,
    body: &'a [ast::Stmt],
    prefix: &str,
    in_class: bool,
) {
    for stmt in body {
        let (name, args, inner, decorators, returns) = match stmt {
            ast::Stmt::FunctionDef(def) => (
                def.name.as_str(),
                &*def.args,
                &def.body,
                &def.decorator_list,
                def.returns.as_deref(),
            ),
            ast::Stmt::AsyncFunctionDef(def) => (
                def.name.as_str(),
                &*def.args,
                &def.body,
                &def.decorator_list,
                def.returns.as_deref(),
            ),
            ast::Stmt::ClassDef(class) => {
                functions_in(acc, &class.body, &format!("{prefix}{}.", class.name), true);
                continue;
            }
            other => {
                // Functions defined under `if` or `try` at the same level.
                for block in walk::child_blocks(other) {
                    functions_in(acc, block, prefix, in_class);
                }
                continue;
            }
        };
        let qualified = format!("{prefix}{name}");
        acc.push(FunctionSyntax {
            name: qualified.clone(),
            args,
            body: inner,
            decorators,
            returns,
            range: stmt.range(),
            is_method: in_class,
        });
        functions_in(acc, inner, &format!("{qualified}."), false);
    }
}
