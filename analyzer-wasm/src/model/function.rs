//! The per-function model: decorators, parameters, a kind for every local, calls, branches,
//! subscript stores and loops.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::imports::{last_segment, Library};
use crate::model::infer::infer;
use crate::model::kind::{Framework, Kind};
use crate::model::loops::{self, LoopIter, LoopModel};
use crate::model::observed;
use crate::model::op_counts::{Op, OpCounts};
use crate::model::ops::{
    is_elementwise, is_library_kernel, is_reduction, is_static_query, submodule_op,
    MUTATING_METHODS,
};
use crate::model::roles::Role;
use crate::model::usage;
use crate::model::walk;
use crate::model::zero_dim::ZeroDimTensors;
use crate::model::ModuleModel;
use crate::model::{eager, host, sizing};
use crate::model::{loop_work, numba_support, Tracing};

/// The syntax of one function definition (sync or async).
#[derive(Debug, Clone)]
pub(crate) struct FunctionSyntax<'a> {
    /// Qualified name: `f`, `Model.forward`, `outer.inner`.
    pub(crate) name: String,
    /// The parameters.
    pub(crate) args: &'a ast::Arguments,
    /// The body.
    pub(crate) body: &'a [ast::Stmt],
    /// The decorators, outermost first.
    pub(crate) decorators: &'a [ast::Expr],
    /// The return annotation (`-> bool`), when there is one.
    pub(crate) returns: Option<&'a ast::Expr>,
    /// The whole definition.
    pub(crate) range: TextRange,
    /// Whether it is defined directly in a class body.
    pub(crate) is_method: bool,
}

/// A JIT decorator (or a module-level `f = torch.compile(f, ...)`) applied to a function.
#[derive(Debug, Clone)]
pub(crate) struct JitDecorator<'a> {
    /// Which JIT.
    pub(crate) framework: Framework,
    /// The decorator expression.
    pub(crate) range: TextRange,
    /// Its keyword arguments.
    pub(crate) keywords: Vec<(&'a str, &'a ast::Expr)>,
}

impl<'a> JitDecorator<'a> {
    /// Reads a decorator expression: `@njit`, `@numba.jit(cache=True)`, `@torch.compile(...)`,
    /// `@partial(jax.jit, static_argnames=...)`, `@tf.function(jit_compile=True)`.
    pub(crate) fn parse(expr: &'a ast::Expr, module: &ModuleModel<'_>) -> Option<Self> {
        if let Some(framework) = module
            .imports
            .qualified_name(expr)
            .as_deref()
            .and_then(Framework::of_decorator)
        {
            return Some(Self {
                framework,
                range: expr.range(),
                keywords: Vec::new(),
            });
        }
        // Ex) `@groupndreduce.wrap()`: a class of the project whose code builds a gufunc;
        // `@_numba_utils.njit`: a compiler of a module of the project, through that module.
        let through_module = module_member(expr)
            .is_some_and(|(root, member)| module.is_numba_compiler_of_module(root, member));
        if through_module || root_name(expr).is_some_and(|root| module.is_numba_compiler(root)) {
            return Some(Self {
                framework: Framework::Numba,
                range: expr.range(),
                keywords: Vec::new(),
            });
        }
        let ast::Expr::Call(call) = expr else {
            return None;
        };
        let callee = module.imports.qualified_name(&call.func)?;
        let framework = match Framework::of_decorator(&callee) {
            Some(framework) => framework,
            // Ex) `partial(jax.jit, static_argnames=("n",))`
            None if callee == "functools.partial" => {
                let first = call.args.first()?;
                Framework::of_decorator(&module.imports.qualified_name(first)?)?
            }
            None => return None,
        };
        Some(Self::from_call(framework, call))
    }

    /// The decorator made by a call such as `torch.compile(f, dynamic=False)`.
    pub(crate) fn from_call(framework: Framework, call: &'a ast::ExprCall) -> Self {
        let keywords = call
            .keywords
            .iter()
            .filter_map(|keyword| Some((keyword.arg.as_ref()?.as_str(), &keyword.value)))
            .collect();
        Self {
            framework,
            range: call.range,
            keywords,
        }
    }

    /// The value of a keyword option.
    pub(crate) fn option(&self, name: &str) -> Option<&'a ast::Expr> {
        self.keywords
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
    }

    /// Whether a keyword option is the literal `True`.
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(self.option(name), Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::Bool(true)))
    }

    /// Whether a keyword option is the literal `False`.
    pub(crate) fn flag_false(&self, name: &str) -> bool {
        matches!(self.option(name), Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::Bool(false)))
    }

    /// The strings of an option such as `static_argnames=("n", "axis")` or `="n"`.
    pub(crate) fn strings(&self, name: &str) -> Vec<&'a str> {
        self.elements(name)
            .iter()
            .filter_map(|elt| match elt {
                ast::Expr::Constant(c) => match &c.value {
                    ast::Constant::Str(s) => Some(s.as_str()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// Whether the argument `name` at `position` is static (`static_argnames`,
    /// `static_argnums`): a Python value the JIT specialises on, not a traced array.
    pub(crate) fn is_static_argument(&self, name: &str, position: usize) -> bool {
        self.strings("static_argnames").contains(&name)
            || self.integers("static_argnums").contains(&position)
    }

    /// The integers of an option such as `static_argnums=(0, 2)`.
    pub(crate) fn integers(&self, name: &str) -> Vec<usize> {
        self.elements(name)
            .iter()
            .filter_map(|elt| match elt {
                ast::Expr::Constant(c) => match &c.value {
                    ast::Constant::Int(i) => i.to_string().parse().ok(),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The items of a tuple or list option, or the option itself as one item; none when absent.
    fn elements(&self, name: &str) -> &'a [ast::Expr] {
        match self.option(name) {
            None => &[],
            Some(ast::Expr::Tuple(tuple)) => &tuple.elts,
            Some(ast::Expr::List(list)) => &list.elts,
            Some(other) => std::slice::from_ref(other),
        }
    }
}

/// One parameter.
#[derive(Debug, Clone)]
pub(crate) struct Param<'a> {
    /// Its name.
    pub(crate) name: &'a str,
    /// Its kind, from the annotation, the default or the function's library.
    pub(crate) kind: Kind,
    /// Its default value.
    pub(crate) default: Option<&'a ast::Expr>,
    /// Its annotation.
    pub(crate) annotation: Option<&'a ast::Expr>,
    /// Where it is.
    pub(crate) range: TextRange,
}

/// One call inside the function.
#[derive(Debug, Clone)]
pub(crate) struct CallSite<'a> {
    /// The call.
    pub(crate) expr: &'a ast::ExprCall,
    /// The resolved callee: `torch.matmul`, `builtins.print`; `None` for methods and locals.
    pub(crate) qualified: Option<String>,
    /// The method name for `value.method(...)` on a value.
    pub(crate) method: Option<&'a str>,
    /// The kind of the value a method is called on.
    pub(crate) receiver_kind: Kind,
    /// The value a method is called on.
    pub(crate) receiver: Option<&'a ast::Expr>,
}

impl<'a> CallSite<'a> {
    /// The argument of `float(x)`, `int(x)` or `bool(x)`: what is converted to a Python number.
    pub(crate) fn converted_argument(&self) -> Option<&'a ast::Expr> {
        matches!(
            self.qualified.as_deref(),
            Some("builtins.float" | "builtins.int" | "builtins.bool")
        )
        .then(|| self.expr.args.first())
        .flatten()
    }

    /// Whether the callee is exactly `qualified`.
    pub(crate) fn is(&self, qualified: &str) -> bool {
        self.qualified.as_deref() == Some(qualified)
    }

    /// The function or method name without its module: `matmul` for `torch.matmul` and `x.matmul`.
    pub(crate) fn short_name(&self) -> &str {
        match (&self.qualified, self.method) {
            (Some(qualified), _) => last_segment(qualified),
            (None, Some(method)) => method,
            (None, None) => "",
        }
    }

    /// The library of the callee, for library functions and for methods on arrays.
    pub(crate) fn library(&self) -> Option<Library> {
        match &self.qualified {
            Some(qualified) => Library::of(qualified),
            None => match self.receiver_kind {
                Kind::NdArray => Some(Library::Numpy),
                Kind::Tensor => Some(Library::Torch),
                Kind::JaxArray => Some(Library::Jax),
                Kind::TfTensor => Some(Library::TensorFlow),
                _ => None,
            },
        }
    }

    /// The keyword argument `name`.
    pub(crate) fn keyword(&self, name: &str) -> Option<&ast::Expr> {
        self.expr
            .keywords
            .iter()
            .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name))
            .map(|keyword| &keyword.value)
    }
}

/// What a branch condition depends on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Dependence {
    /// The condition is itself an array (`if x.sum() > 0:`).
    pub(crate) tensor: bool,
    /// It reads a Python value taken out of array data (`.item()`, `float(t)`).
    pub(crate) scalar_from_tensor: bool,
    /// It reads a shape (`x.shape[0]`, `len(x)`, `x.numel()`).
    pub(crate) shape: bool,
}

/// A Python-level branch: `if`, `while`, `assert`, a conditional expression or `and`/`or`.
#[derive(Debug, Clone)]
pub(crate) struct Branch<'a> {
    /// The condition.
    pub(crate) test: &'a ast::Expr,
    /// What the condition depends on.
    pub(crate) dependence: Dependence,
    /// Whether it only guards against bad input: an `assert`, or an `if` whose body raises.
    pub(crate) guard: bool,
}

/// A store through a subscript: `x[i] = v`, `x[i] += v`.
#[derive(Debug, Clone)]
pub(crate) struct SubscriptStore<'a> {
    /// The subscript target.
    pub(crate) target: &'a ast::ExprSubscript,
    /// The stored-into name, when it is a plain name.
    pub(crate) base: Option<&'a str>,
    /// Its kind.
    pub(crate) base_kind: Kind,
    /// Whether it is `x[i] op= v`.
    pub(crate) augmented: bool,
}

/// Whether a block ends by leaving the function (`return`, `raise`): the code after the `if`
/// that holds it is the branch's other side.
fn exits(body: &[ast::Stmt]) -> bool {
    matches!(
        body.last(),
        Some(ast::Stmt::Return(_) | ast::Stmt::Raise(_))
    )
}

/// Everything the rules and verdicts know about one function.
#[derive(Debug)]
pub(crate) struct FunctionModel<'a> {
    /// The syntax.
    pub(crate) syntax: FunctionSyntax<'a>,
    /// JIT decorators applied to it.
    pub(crate) jit: Vec<JitDecorator<'a>>,
    /// Why it runs compiled without a decorator of its own (called from compiled code, passed
    /// to a JAX transform).
    pub(crate) traced: Option<Tracing>,
    /// The parameters.
    pub(crate) params: Vec<Param<'a>>,
    /// The kind of every local name, as last assigned.
    pub(crate) kinds: HashMap<&'a str, Kind>,
    /// Locals holding Python values taken out of array data (`n = t.sum().item()`).
    pub(crate) tensor_scalars: HashSet<&'a str>,
    /// The array libraries it uses.
    pub(crate) libraries: Vec<Library>,
    /// Every call, in source order.
    pub(crate) calls: Vec<CallSite<'a>>,
    /// Every Python branch, in source order.
    pub(crate) branches: Vec<Branch<'a>>,
    /// Every subscript store, in source order.
    pub(crate) stores: Vec<SubscriptStore<'a>>,
    /// Every loop, outer loops before the loops they contain.
    pub(crate) loops: Vec<LoopModel<'a>>,
    /// Counts for the cost model.
    pub(crate) ops: OpCounts,
    /// Array operations per library (calls and arithmetic on its arrays, loops included): the
    /// array work a JIT of that library would compile.
    pub(crate) library_ops: HashMap<Library, usize>,
    /// Whether an outermost loop does numeric work that Numba compiles, or would with a
    /// library call moved out: over array elements, or arithmetic on numbers over a `range`,
    /// with no Python objects or uncompilable project functions in it, and scalar work per
    /// iteration rather than NumPy on whole arrays.
    pub(crate) numba_loop: bool,
    /// The first thing in the whole body that Numba does not compile; `None` when it compiles
    /// as it is. Computed once: the candidate test and the verdicts read it.
    pub(crate) body_blocker: Option<numba_support::Blocker>,
    /// Whether the body yields or awaits (a generator or a coroutine).
    pub(crate) suspends: bool,
    /// Parts of the body that run only when not compiling (`if not is_compiling():`).
    pub(crate) eager_only: Vec<TextRange>,
    /// Parts of the body that run only on values that are not JAX tracers
    /// (`if not_jax_tracer(x):`).
    pub(crate) concrete_only: Vec<TextRange>,
    /// `with numba.objmode(...):` blocks: Python inside a Numba function, which Numba rules
    /// leave alone.
    pub(crate) object_mode: Vec<TextRange>,
    /// `torch.compile` never takes it: `@torch.compiler.disable` or a project's
    /// `@disable_compiler`, every call of it in the module runs only eagerly, or its arrays come
    /// from Python's `random` (a data pipeline).
    pub(crate) torch_excluded: bool,
    /// Why it is never a candidate, when its name or its module's says so: a special method,
    /// I/O, display, set-up, plotting or test code ([`Role`]).
    pub(crate) role: Option<Role>,
    /// It builds a `torch.fx` graph (`fx.Graph()`, `fx.Proxy(...)`): its tensor calls record
    /// nodes on proxies and run nothing, so no advice about their cost applies.
    pub(crate) builds_fx_graph: bool,
    /// Decorated with `functools.lru_cache` or `functools.cache`: its result is computed once per
    /// argument set, so no JIT decision is worth making about it.
    pub(crate) memoized: bool,
    /// It reads array data to the host at two places or more, or in every iteration of a loop
    /// (`.item()`, `.tolist()`, `float(t)`): the function is driven from the host by design (a
    /// RANSAC loop, a metric over detections, a drawing routine), and compiled it would run as
    /// three graphs or more.
    pub(crate) host_driven: bool,
    /// Every `return` hands back Python values taken out of arrays (`x.item()`, `t.tolist()`,
    /// `bool(...)`): the function exists to read data to the host (a metric, a check, a hook),
    /// so a graph break there is its purpose.
    pub(crate) returns_host_values: bool,
    /// Array parameters a trace saw with more than one shape, with how many: each new shape
    /// compiles again under `torch.compile` (until it marks them dynamic) and `jax.jit`.
    pub(crate) varying_shapes: Vec<(String, usize)>,
    /// Its reads of tensor data that size shapes (`torch.arange(t.max().item())`), and the
    /// locals that carry them.
    pub(crate) sizing: sizing::Sizing<'a>,
}

impl<'a> FunctionModel<'a> {
    /// Builds the model of one function.
    pub(crate) fn build(syntax: FunctionSyntax<'a>, module: &ModuleModel<'a>) -> Self {
        let mut jit: Vec<JitDecorator<'a>> = syntax
            .decorators
            .iter()
            .filter_map(|decorator| JitDecorator::parse(decorator, module))
            .collect();
        if let Some(wrapped) = module.wrapped.get(syntax.name.as_str()) {
            jit.extend(wrapped.iter().map(|(framework, call)| match call {
                Some(call) => JitDecorator::from_call(*framework, call),
                None => JitDecorator {
                    framework: *framework,
                    range: syntax.range,
                    keywords: Vec::new(),
                },
            }));
        }
        let libraries = used_libraries(&syntax, module, &jit);
        let traced = module.traced.get(&syntax.name).cloned();
        let compiled = !jit.is_empty() || traced.as_ref().is_some_and(|t| t.arguments_traced);
        let params = params(&syntax, module, &libraries, compiled);
        let off_flags: Vec<&str> = params
            .iter()
            .filter(|p| {
                matches!(p.default, Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::Bool(false)))
            })
            .map(|p| p.name)
            .collect();
        let eager_only = eager::eager_only_regions(syntax.body, module, &off_flags);
        let concrete_only = eager::concrete_only_regions(syntax.body, module);
        let mut builder = Builder {
            eager_only: &eager_only,
            module,
            kinds: params
                .iter()
                .map(|param| (param.name, param.kind))
                .collect(),
            tensor_scalars: HashSet::new(),
            zero_dim: ZeroDimTensors::default(),
            calls: Vec::new(),
            branches: Vec::new(),
            stores: Vec::new(),
            ops: OpCounts::default(),
            ended: Vec::new(),
            library_ops: HashMap::new(),
            deep_learning: [Library::Torch, Library::Jax, Library::TensorFlow]
                .iter()
                .any(|l| libraries.contains(l)),
            class: syntax
                .is_method
                .then(|| {
                    syntax
                        .name
                        .rsplit_once('.')
                        .map(|(class, _)| class.to_owned())
                })
                .flatten(),
            suspends: false,
            loop_depth: 0,
        };
        builder.body(syntax.body);
        let Builder {
            kinds,
            tensor_scalars,
            calls,
            branches,
            stores,
            ops,
            library_ops,
            suspends,
            ..
        } = builder;
        let syntax_name = syntax.name.clone();
        let object_mode = numba_support::object_mode_blocks(syntax.body, module);
        let mut model = Self {
            syntax,
            jit,
            traced,
            params,
            kinds,
            tensor_scalars,
            libraries,
            calls,
            branches,
            stores,
            loops: Vec::new(),
            ops,
            library_ops,
            numba_loop: false,
            body_blocker: None,
            suspends,
            eager_only,
            concrete_only,
            object_mode,
            torch_excluded: false,
            memoized: false,
            role: None,
            builds_fx_graph: false,
            host_driven: false,
            returns_host_values: false,
            varying_shapes: module
                .observed(&syntax_name)
                .map(observed::varying_shapes)
                .unwrap_or_default(),
            sizing: sizing::Sizing::default(),
        };
        model.loops = loops::collect(&model, module);
        model.sizing = sizing::sizing(&model, module);
        model.returns_host_values = host::returns_host_values(&model, module);
        model.host_driven = host::host_driven(&model, module);
        model.memoized = memoized(model.syntax.decorators, module);
        model.role = Role::of_function(&model.syntax.name, &module.name);
        model.builds_fx_graph = model.calls.iter().any(|call| {
            matches!(
                call.qualified.as_deref(),
                Some("torch.fx.Graph" | "torch.fx.Proxy" | "torch.fx.GraphModule")
            )
        });
        model.torch_excluded = compile_disabled(model.syntax.decorators, module)
            || module.call_contexts.eager_only.contains(&model.syntax.name)
            || model.calls.iter().any(|call| {
                call.qualified
                    .as_deref()
                    .is_some_and(|q| q.starts_with("random."))
            });
        // Numeric loops doing scalar work per iteration, in a function that is numeric code
        // throughout: a driver around a loop (I/O, Python objects, the project's other
        // functions) is no candidate, nor a loop of NumPy calls on whole arrays.
        model.body_blocker = numba_support::function_blocker(&model, module);
        let whole_array_work = loop_work::runs_whole_array_work(&model, module);
        for (l, whole) in model.loops.iter_mut().zip(whole_array_work) {
            l.whole_array_work = whole;
        }
        model.numba_loop = model.numeric_body()
            && model
                .loops
                .iter()
                .filter(|l| l.depth == 1 && l.iter != LoopIter::TensorRange)
                .any(|l| {
                    (l.touches_arrays() || numba_support::is_numeric_loop(&model, l, module))
                        && !l.whole_array_work
                });
        model
    }

    /// The JIT decorator of `framework`, if the function has one.
    pub(crate) fn jit_for(&self, framework: Framework) -> Option<&JitDecorator<'a>> {
        self.jit
            .iter()
            .find(|decorator| decorator.framework == framework)
    }

    /// Whether the function is compiled by some JIT already.
    pub(crate) fn is_jitted(&self) -> bool {
        !self.jit.is_empty()
    }

    /// Whether the function uses `library`.
    pub(crate) fn uses(&self, library: Library) -> bool {
        self.libraries.contains(&library)
    }

    /// Whether it runs compiled with `framework`: its own decorator, a module-level wrapper, or
    /// a caller or transform that traces it.
    pub(crate) fn is_compiled_with(&self, framework: Framework) -> bool {
        self.jit_for(framework).is_some()
            || self
                .traced
                .as_ref()
                .is_some_and(|t| t.framework == framework)
    }

    /// Whether it runs compiled by some JIT (decorated or traced).
    pub(crate) fn is_compiled(&self) -> bool {
        self.is_jitted() || self.traced.is_some()
    }

    /// Whether the rules of `framework` apply: the function runs compiled with it, or it is a
    /// candidate for it: not compiled yet, and its work is what that JIT compiles (for Numba,
    /// loops over array elements or numbers without another array library; for the others,
    /// array operations of the framework's library). A driver whose body is I/O, set-up and
    /// calls into other functions is no candidate, and nothing is said about it.
    pub(crate) fn targets(&self, framework: Framework) -> bool {
        if self.is_compiled() {
            return self.is_compiled_with(framework);
        }
        if !self.may_be_compiled() {
            return false;
        }
        match framework {
            Framework::Numba => {
                !self.uses(Library::Torch)
                    && !self.uses(Library::Jax)
                    && !self.uses(Library::TensorFlow)
                    && self.numba_loop
            }
            // Array work on the function's inputs: a function that only builds arrays from
            // scratch (buffers, index tables, random parameters) is set-up code.
            // Or a Python loop over the library's array elements (`x[i].item()` per element),
            // the pattern a rewrite vectorises.
            Framework::Torch if self.torch_excluded => false,
            _ if self.returns_host_values || self.host_driven => false,
            other => {
                let library = other.library();
                let array = Kind::array_of(library);
                let element_loop = self
                    .loops
                    .iter()
                    .any(|l| l.accesses.iter().any(|a| a.base_kind == array));
                (self.array_ops(library) > 0 && self.params.iter().any(|p| p.kind.is_array()))
                    || element_loop
            }
        }
    }

    /// Whether the function is array code on array inputs with some library (NumPy included),
    /// with no Python objects around it: the code whose profitability (GEN rules) is worth a word
    /// even where no JIT applies.
    pub(crate) fn does_array_work(&self) -> bool {
        self.may_be_compiled()
            && self.numeric_body()
            && self.library_ops.values().any(|n| *n > 0)
            && self.params.iter().any(|p| p.kind.is_array())
    }

    /// Whether the body is numbers, arrays and library calls throughout: no Python objects, no
    /// I/O, no calls into functions Numba cannot compile (library calls Numba lacks aside).
    pub(crate) fn numeric_body(&self) -> bool {
        self.body_blocker
            .as_ref()
            .is_none_or(|blocker| blocker.library_call)
    }

    /// Array operations of `library` in the body.
    pub(crate) fn array_ops(&self, library: Library) -> usize {
        self.library_ops.get(&library).copied().unwrap_or(0)
    }

    /// Whether a JIT could take the function at all: not a generator or a coroutine, not
    /// memoized, with no [`Role`] that rules it out (a special method other than `__call__`,
    /// I/O, display, set-up, plotting or test code: not what anyone compiles); nor code that
    /// builds a `torch.fx` graph, whose tensor calls run on proxies.
    fn may_be_compiled(&self) -> bool {
        self.role.is_none() && !self.suspends && !self.memoized && !self.builds_fx_graph
    }

    /// The kind of a local name (parameters included).
    pub(crate) fn kind_of_name(&self, name: &str) -> Kind {
        self.kinds.get(name).copied().unwrap_or(Kind::Unknown)
    }

    /// The kind of an expression, using the final kinds of locals.
    pub(crate) fn kind_of(&self, expr: &ast::Expr, module: &ModuleModel<'_>) -> Kind {
        infer(expr, &self.kinds, module)
    }

    /// Whether `name` is a local of the function (a parameter or assigned in the body).
    pub(crate) fn is_local(&self, name: &str) -> bool {
        self.kinds.contains_key(name)
    }

    /// Calls that mutate a value the function does not own (`history.append(y)` on a global or
    /// closed-over list), with the mutated name. List methods count on any outer name; the
    /// methods that objects share with dicts and sets (`update`, `add`, `pop`...) count only on
    /// a module global: `optimizer.update(grads)` on a closed-over object is a method call.
    pub(crate) fn outer_mutations<'m>(
        &'m self,
        module: &'m ModuleModel<'_>,
    ) -> impl Iterator<Item = (&'m CallSite<'a>, &'a str)> + 'm {
        self.calls.iter().filter_map(move |call| {
            let Some(ast::Expr::Name(receiver)) = call.receiver else {
                return None;
            };
            let name = receiver.id.as_str();
            let list_method = call
                .method
                .is_some_and(|m| matches!(m, "append" | "extend" | "insert" | "remove" | "clear"));
            let container_method = call.method.is_some_and(|m| MUTATING_METHODS.contains(&m));
            let global = module.globals.contains_key(name);
            ((list_method || (container_method && global)) && !self.is_local(name))
                .then_some((call, name))
        })
    }

    /// Where the body declares `global` names.
    pub(crate) fn global_statements(&self) -> Vec<TextRange> {
        let mut found = Vec::new();
        walk::for_each_stmt(self.syntax.body, &mut |stmt| {
            if let ast::Stmt::Global(global) = stmt {
                found.push(global.range);
            }
        });
        found
    }

    /// The parameter called `name`.
    pub(crate) fn param(&self, name: &str) -> Option<&Param<'a>> {
        self.params.iter().find(|param| param.name == name)
    }

    /// Whether the function reads NaN or infinity semantics (`isnan`, `isinf`, `isfinite`,
    /// `x != x`, `np.nan`, `np.inf`, `float("nan")`).
    pub(crate) fn nan_reads(&self, module: &ModuleModel<'_>) -> Vec<TextRange> {
        self.nan_uses(module, true)
    }

    /// The NaN and infinity tests alone (`isnan`, `isfinite`, `x != x`), without the constants
    /// (`np.inf` stored as a sentinel is no test that `fastmath` folds away).
    pub(crate) fn nan_checks(&self, module: &ModuleModel<'_>) -> Vec<TextRange> {
        self.nan_uses(module, false)
    }

    fn nan_uses(&self, module: &ModuleModel<'_>, constants: bool) -> Vec<TextRange> {
        let mut found = Vec::new();
        walk::for_each_expr_in(self.syntax.body, &mut |expr| match expr {
            ast::Expr::Attribute(_) | ast::Expr::Name(_) => {
                if let Some(qualified) = module.imports.qualified_name(expr) {
                    let constant = matches!(
                        last_segment(&qualified),
                        "nan" | "inf" | "NaN" | "NAN" | "Inf" | "PINF" | "NINF"
                    );
                    if (constants || !constant)
                        && matches!(
                            last_segment(&qualified),
                            "isnan"
                                | "isinf"
                                | "isfinite"
                                | "nan"
                                | "inf"
                                | "NaN"
                                | "NAN"
                                | "Inf"
                                | "PINF"
                                | "NINF"
                                | "isposinf"
                                | "isneginf"
                                | "nan_to_num"
                                | "nanmax"
                                | "nanmin"
                                | "nansum"
                                | "nanmean"
                        )
                    {
                        found.push(expr.range());
                    }
                }
            }
            // Ex) `x != x`
            ast::Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(compare.ops[..], [ast::CmpOp::NotEq])
                    && compare
                        .comparators
                        .first()
                        .is_some_and(|right| same_name(&compare.left, right)) =>
            {
                found.push(compare.range);
            }
            // Ex) `float("nan")`, `float("inf")`
            ast::Expr::Call(call)
                if constants
                    && module.imports.qualified_name(&call.func).as_deref()
                        == Some("builtins.float") =>
            {
                if let Some(ast::Expr::Constant(c)) = call.args.first() {
                    if let ast::Constant::Str(s) = &c.value {
                        let lower = s.to_ascii_lowercase();
                        if lower.contains("nan") || lower.contains("inf") {
                            found.push(call.range);
                        }
                    }
                }
            }
            _ => (),
        });
        found
    }
}

/// `@torch.compiler.disable`, `@torch._dynamo.disable`, or a project's `@disable_compiler`.
pub(crate) fn compile_disabled(decorators: &[ast::Expr], module: &ModuleModel<'_>) -> bool {
    decorators.iter().any(|decorator| {
        let target = callee_or_self(decorator);
        let name = match module.imports.qualified_name(target) {
            Some(qualified) => qualified,
            None => match target {
                ast::Expr::Name(name) => name.id.to_string(),
                ast::Expr::Attribute(attribute) => attribute.attr.to_string(),
                _ => return false,
            },
        };
        matches!(
            name.as_str(),
            "torch.compiler.disable" | "torch._dynamo.disable"
        ) || last_segment(&name).contains("disable_compil")
    })
}

/// `@functools.lru_cache`, `@lru_cache(maxsize=...)` or `@functools.cache`.
fn memoized(decorators: &[ast::Expr], module: &ModuleModel<'_>) -> bool {
    decorators.iter().any(|decorator| {
        matches!(
            module
                .imports
                .qualified_name(callee_or_self(decorator))
                .as_deref(),
            Some("functools.lru_cache" | "functools.cache")
        )
    })
}

/// What a decorator or context expression names: `f` of `@f(...)`, else the expression itself.
pub(crate) fn callee_or_self(expr: &ast::Expr) -> &ast::Expr {
    match expr {
        ast::Expr::Call(call) => &call.func,
        other => other,
    }
}

fn same_name(left: &ast::Expr, right: &ast::Expr) -> bool {
    match (left, right) {
        (ast::Expr::Name(a), ast::Expr::Name(b)) => a.id == b.id,
        _ => false,
    }
}

fn used_libraries(
    syntax: &FunctionSyntax<'_>,
    module: &ModuleModel<'_>,
    jit: &[JitDecorator<'_>],
) -> Vec<Library> {
    let mut libraries: Vec<Library> = jit.iter().map(|d| d.framework.library()).collect();
    let mut note = |expr: &ast::Expr| {
        if let ast::Expr::Name(name) = expr {
            if let Some(library) = module
                .imports
                .binding(name.id.as_str())
                .and_then(Library::of)
            {
                if !libraries.contains(&library) {
                    libraries.push(library);
                }
            }
        }
    };
    walk::for_each_expr_in(syntax.body, &mut note);
    for arg in all_args(syntax.args) {
        if let Some(annotation) = &arg.def.annotation {
            walk::walk_expr(annotation, &mut note);
        }
    }
    libraries
}

/// The array library of the function: the one it uses, preferring a deep-learning framework
/// over NumPy (which such code often uses on the side).
fn main_library(libraries: &[Library]) -> Option<Library> {
    [
        Library::Torch,
        Library::Jax,
        Library::TensorFlow,
        Library::Numpy,
    ]
    .into_iter()
    .find(|library| libraries.contains(library))
}

fn all_args(args: &ast::Arguments) -> impl Iterator<Item = &ast::ArgWithDefault> {
    args.posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
}

/// The parameters with their kinds: from the annotation, else the default, else how the body
/// uses them. A compiled function's unannotated parameters are its JIT's arrays (that is what
/// the JIT traces them as); elsewhere a parameter the body does not show to be an array stays
/// unknown.
fn params<'a>(
    syntax: &FunctionSyntax<'a>,
    module: &ModuleModel<'_>,
    libraries: &[Library],
    compiled: bool,
) -> Vec<Param<'a>> {
    let empty = HashMap::new();
    // A function that names no library works on the arrays of the module's (`x @ w`).
    let library = main_library(libraries).or_else(|| {
        let imported: Vec<Library> = [
            ("torch", Library::Torch),
            ("jax", Library::Jax),
            ("tensorflow", Library::TensorFlow),
            ("numpy", Library::Numpy),
        ]
        .into_iter()
        .filter(|(name, _)| module.imports.imports_module(name))
        .map(|(_, library)| library)
        .collect();
        main_library(&imported)
    });
    let names: Vec<&str> = all_args(syntax.args)
        .map(|arg| arg.def.arg.as_str())
        .collect();
    let used = usage::param_kinds(syntax.body, &names, module, library);
    // Ex) `@partial(jax.jit, static_argnums=(3,))`: that argument is a Python value, not traced.
    let jax_jit = syntax
        .decorators
        .iter()
        .filter_map(|d| JitDecorator::parse(d, module))
        .find(|d| d.framework == Framework::Jax);
    let unannotated_kind = |name: &str, position: usize| match (compiled, library) {
        _ if jax_jit
            .as_ref()
            .is_some_and(|d| d.is_static_argument(name, position)) =>
        {
            Kind::Unknown
        }
        (true, Some(library)) => Kind::array_of(library),
        _ => used.get(name).copied().unwrap_or(Kind::Unknown),
    };
    all_args(syntax.args)
        .enumerate()
        .map(|(position, arg)| {
            let name = arg.def.arg.as_str();
            let annotation = arg.def.annotation.as_deref();
            let default = arg.default.as_deref();
            let seen = module
                .observed(&syntax.name)
                .and_then(|signatures| observed::param_kind(signatures, name));
            let kind = if syntax.is_method && position == 0 {
                Kind::Unknown
            } else if let Some(kind) = seen {
                // What the program passed, every time: truer than any reading of the code.
                kind
            } else if let Some(annotation) = annotation {
                module
                    .imports
                    .qualified_name(annotation)
                    .map_or(Kind::Unknown, |q| Kind::from_annotation(&q))
            } else if let Some(default) = default {
                match infer(default, &empty, module) {
                    // Ex) `mask=None`: the body says what it is when given.
                    Kind::Unknown => used.get(name).copied().unwrap_or(Kind::Unknown),
                    kind => kind,
                }
            } else {
                unannotated_kind(name, position)
            };
            Param {
                name,
                kind,
                default,
                annotation,
                range: arg.def.range,
            }
        })
        .chain(syntax.args.vararg.iter().map(|arg| Param {
            name: arg.arg.as_str(),
            kind: Kind::Tuple,
            default: None,
            annotation: None,
            range: arg.range,
        }))
        .chain(syntax.args.kwarg.iter().map(|arg| Param {
            name: arg.arg.as_str(),
            kind: Kind::Dict,
            default: None,
            annotation: None,
            range: arg.range,
        }))
        .collect()
}

/// Walks the body once, in source order, assigning kinds and collecting facts.
struct Builder<'a, 'm> {
    module: &'m ModuleModel<'a>,
    /// What runs only eagerly: a value read out of a tensor there never reaches compiled code.
    eager_only: &'m [TextRange],
    kinds: HashMap<&'a str, Kind>,
    tensor_scalars: HashSet<&'a str>,
    /// Tensors of no dimension built from Python numbers: arithmetic on them is no pass over
    /// memory.
    zero_dim: ZeroDimTensors<'a>,
    calls: Vec<CallSite<'a>>,
    branches: Vec<Branch<'a>>,
    stores: Vec<SubscriptStore<'a>>,
    ops: OpCounts,
    /// The counts of the paths that left the function early (`return`, `raise` in an `if`).
    ended: Vec<OpCounts>,
    library_ops: HashMap<Library, usize>,
    /// The function uses torch, JAX or TensorFlow.
    deep_learning: bool,
    /// The class of a method, whose `self.<layer>(x)` calls that are no methods of it run
    /// submodules (`self.conv1(x)`, `self.mlp(x)`).
    class: Option<String>,
    /// A `yield`, `yield from` or `await` was seen.
    suspends: bool,
    loop_depth: usize,
}

impl<'a> Builder<'a, '_> {
    fn block(&mut self, body: &'a [ast::Stmt]) {
        // Ex) `if mode == "sum": return x.sum()`: the rest of the function is the other side
        // of the branch, however deep the `if` (kornia's `adjust_gamma` returns its float fast
        // path from three `if`s down). The path that returned is kept apart and weighed
        // against the others when the body is done ([`Builder::body`]).
        for stmt in body {
            match stmt {
                ast::Stmt::If(if_stmt) if if_stmt.orelse.is_empty() && exits(&if_stmt.body) => {
                    self.ops.statements += 1;
                    self.if_head(if_stmt);
                    let before = self.ops;
                    self.block(&if_stmt.body);
                    self.ended.push(self.ops);
                    self.ops = before.resumed_after(&self.ops);
                }
                _ => self.stmt(stmt),
            }
        }
    }

    /// The function's body: its counts are those of the path through it with the most work
    /// (a path that returned early, or the one that runs to the end).
    fn body(&mut self, body: &'a [ast::Stmt]) {
        self.block(body);
        for ended in std::mem::take(&mut self.ended) {
            self.ops = self.ops.or_the_longer(&ended);
        }
    }

    fn if_head(&mut self, if_stmt: &'a ast::StmtIf) {
        let raises =
            if_stmt.orelse.is_empty() && matches!(if_stmt.body.last(), Some(ast::Stmt::Raise(_)));
        self.branch_of(&if_stmt.test, raises);
        self.expr(&if_stmt.test);
    }

    fn stmt(&mut self, stmt: &'a ast::Stmt) {
        self.ops.statements += 1;
        match stmt {
            ast::Stmt::Assign(assign) => {
                self.expr(&assign.value);
                let zero_dim = self.is_zero_dim(&assign.value);
                for target in &assign.targets {
                    if let ast::Expr::Name(name) = target {
                        self.zero_dim.bind(name.id.as_str(), zero_dim);
                    }
                }
                let kind = self.kind(&assign.value);
                let from_tensor =
                    !self.runs_only_eagerly(stmt) && self.extracts_tensor_data(&assign.value);
                for target in &assign.targets {
                    self.bind(target, kind, from_tensor);
                }
            }
            ast::Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.expr(value);
                }
                let annotated = self
                    .module
                    .imports
                    .qualified_name(&assign.annotation)
                    .map_or(Kind::Unknown, |q| Kind::from_annotation(&q));
                let kind = match (annotated, &assign.value) {
                    (Kind::Unknown, Some(value)) => self.kind(value),
                    (kind, _) => kind,
                };
                let from_tensor = !self.runs_only_eagerly(stmt)
                    && assign
                        .value
                        .as_deref()
                        .is_some_and(|v| self.extracts_tensor_data(v));
                self.bind(&assign.target, kind, from_tensor);
            }
            ast::Stmt::AugAssign(assign) => {
                self.expr(&assign.value);
                self.expr(&assign.target);
                if let ast::Expr::Name(name) = &*assign.target {
                    let value_kind = self.kind(&assign.value);
                    let entry = self.kinds.entry(name.id.as_str()).or_insert(Kind::Unknown);
                    if value_kind.is_array() {
                        *entry = value_kind;
                    }
                    if !self.runs_only_eagerly(stmt) && self.extracts_tensor_data(&assign.value) {
                        self.tensor_scalars.insert(name.id.as_str());
                    }
                }
                let target_kind = self.kind(&assign.target);
                self.count_library_op(target_kind);
                if (target_kind.is_array() || self.kind(&assign.value).is_array())
                    && self.loop_depth == 0
                {
                    self.ops.elementwise();
                }
                if let ast::Expr::Subscript(subscript) = &*assign.target {
                    self.store(subscript, true);
                }
            }
            ast::Stmt::For(for_stmt) => {
                self.expr(&for_stmt.iter);
                let element = match self.kind(&for_stmt.iter) {
                    kind if kind.is_array() => kind,
                    _ => Kind::Unknown,
                };
                let element = if self.is_range(&for_stmt.iter) {
                    Kind::Scalar
                } else {
                    element
                };
                self.bind(&for_stmt.target, element, false);
                self.loop_depth += 1;
                self.block(&for_stmt.body);
                self.loop_depth -= 1;
                self.block(&for_stmt.orelse);
            }
            ast::Stmt::AsyncFor(for_stmt) => {
                self.expr(&for_stmt.iter);
                self.bind(&for_stmt.target, Kind::Unknown, false);
                self.loop_depth += 1;
                self.block(&for_stmt.body);
                self.loop_depth -= 1;
                self.block(&for_stmt.orelse);
            }
            ast::Stmt::While(while_stmt) => {
                self.branch(&while_stmt.test);
                self.expr(&while_stmt.test);
                self.loop_depth += 1;
                self.block(&while_stmt.body);
                self.loop_depth -= 1;
                self.block(&while_stmt.orelse);
            }
            ast::Stmt::If(if_stmt) => {
                self.if_head(if_stmt);
                // One side runs: the chain is the longer side's, not both added up (a `mode`
                // string choosing between pooling kinds).
                let before = self.ops;
                self.block(&if_stmt.body);
                let after_body = self.ops;
                self.ops = before;
                self.block(&if_stmt.orelse);
                self.ops = OpCounts::either(before, after_body, self.ops);
            }
            ast::Stmt::Assert(assert) => {
                self.branch_of(&assert.test, true);
                self.expr(&assert.test);
                if let Some(msg) = &assert.msg {
                    self.expr(msg);
                }
            }
            ast::Stmt::With(with) => {
                for item in &with.items {
                    self.expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.bind(vars, Kind::Unknown, false);
                    }
                }
                self.block(&with.body);
            }
            ast::Stmt::FunctionDef(def) => {
                self.kinds.insert(def.name.as_str(), Kind::Unknown);
            }
            ast::Stmt::AsyncFunctionDef(def) => {
                self.kinds.insert(def.name.as_str(), Kind::Unknown);
            }
            ast::Stmt::ClassDef(class) => {
                self.kinds.insert(class.name.as_str(), Kind::Unknown);
            }
            ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_) => (),
            other => {
                for expr in walk::own_exprs(other) {
                    self.expr(expr);
                }
                for block in walk::child_blocks(other) {
                    self.block(block);
                }
                if let ast::Stmt::Try(try_stmt) = other {
                    for handler in &try_stmt.handlers {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        if let Some(name) = &handler.name {
                            self.kinds.insert(name.as_str(), Kind::Unknown);
                        }
                    }
                }
            }
        }
    }

    fn runs_only_eagerly(&self, stmt: &ast::Stmt) -> bool {
        self.eager_only
            .iter()
            .any(|region| region.contains_range(stmt.range()))
    }

    fn is_range(&self, expr: &ast::Expr) -> bool {
        let ast::Expr::Call(call) = expr else {
            return false;
        };
        matches!(
            self.module.imports.qualified_name(&call.func).as_deref(),
            Some("builtins.range" | "numba.prange")
        )
    }

    fn bind(&mut self, target: &'a ast::Expr, kind: Kind, from_tensor: bool) {
        match target {
            ast::Expr::Name(name) => {
                self.kinds.insert(name.id.as_str(), kind);
                if from_tensor && !kind.is_array() {
                    self.tensor_scalars.insert(name.id.as_str());
                } else {
                    self.tensor_scalars.remove(name.id.as_str());
                }
            }
            ast::Expr::Tuple(tuple) => {
                let element = if kind.is_array() { kind } else { Kind::Unknown };
                for elt in &tuple.elts {
                    self.bind(elt, element, from_tensor);
                }
            }
            ast::Expr::List(list) => {
                for elt in &list.elts {
                    self.bind(elt, Kind::Unknown, from_tensor);
                }
            }
            ast::Expr::Starred(starred) => self.bind(&starred.value, Kind::List, from_tensor),
            ast::Expr::Subscript(subscript) => {
                self.expr(target);
                self.store(subscript, false);
            }
            ast::Expr::Attribute(_) => self.expr(target),
            _ => (),
        }
    }

    fn store(&mut self, target: &'a ast::ExprSubscript, augmented: bool) {
        let base = match &*target.value {
            ast::Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        };
        let base_kind = self.kind(&target.value);
        self.stores.push(SubscriptStore {
            target,
            base,
            base_kind,
            augmented,
        });
    }

    fn branch(&mut self, test: &'a ast::Expr) {
        self.branch_of(test, false);
    }

    fn branch_of(&mut self, test: &'a ast::Expr, guard: bool) {
        let dependence = self.dependence(test);
        self.branches.push(Branch {
            test,
            dependence,
            guard,
        });
    }

    /// What a condition depends on.
    fn dependence(&self, test: &ast::Expr) -> Dependence {
        let mut dependence = Dependence {
            tensor: self.kind(test).is_array(),
            ..Dependence::default()
        };
        if let ast::Expr::BoolOp(bool_op) = test {
            dependence.tensor |= bool_op
                .values
                .iter()
                .any(|value| self.kind(value).is_array());
        }
        walk::walk_value_reads(test, &mut |expr| match expr {
            ast::Expr::Name(name) if self.tensor_scalars.contains(name.id.as_str()) => {
                dependence.scalar_from_tensor = true;
            }
            // The rank (`x.ndim`, `x.dim()`) is fixed for a caller's arrays; only sizes vary.
            ast::Expr::Attribute(attribute) if attribute.attr.as_str() == "shape" => {
                dependence.shape = true;
            }
            ast::Expr::Call(call) => {
                if let ast::Expr::Attribute(attribute) = &*call.func {
                    match attribute.attr.as_str() {
                        "numel" | "size" => dependence.shape = true,
                        "item" => dependence.scalar_from_tensor = true,
                        _ => (),
                    }
                }
                if self.module.imports.qualified_name(&call.func).as_deref() == Some("builtins.len")
                {
                    dependence.shape = true;
                }
            }
            _ => (),
        });
        dependence
    }

    /// Whether an expression takes a Python value out of array data.
    fn extracts_tensor_data(&self, expr: &ast::Expr) -> bool {
        if self.kind(expr).is_array() {
            return false;
        }
        let mut found = false;
        walk::walk_expr(expr, &mut |sub| match sub {
            ast::Expr::Name(name) => found |= self.tensor_scalars.contains(name.id.as_str()),
            ast::Expr::Call(call) => {
                // A list read out with `.tolist()` is not counted: the break is the read
                // itself (PT002), and the list then sizes slices or loops in Python.
                if let ast::Expr::Attribute(attribute) = &*call.func {
                    if attribute.attr.as_str() == "item"
                        && !self.kind(&attribute.value).eq(&Kind::Str)
                    {
                        found = true;
                    }
                }
                if let Some(
                    "builtins.float" | "builtins.int" | "builtins.bool" | "builtins.complex",
                ) = self.module.imports.qualified_name(&call.func).as_deref()
                {
                    found |= call
                        .args
                        .first()
                        .is_some_and(|arg| self.kind(arg).is_array());
                }
            }
            _ => (),
        });
        found
    }

    fn kind(&self, expr: &ast::Expr) -> Kind {
        infer(expr, &self.kinds, self.module)
    }

    /// Records calls, ops and nested branches of an expression.
    fn expr(&mut self, expr: &'a ast::Expr) {
        // The operation runs after its operands (`self.conv(x).sigmoid()` convolves first):
        // counted once the children are, so the runs of fusible work follow evaluation order.
        let mut op = None;
        match expr {
            ast::Expr::Call(call) => op = self.call(call),
            ast::Expr::BinOp(bin_op) => {
                let kind = self.kind(expr);
                self.count_library_op(kind);
                let array = kind.is_array();
                if matches!(bin_op.op, ast::Operator::MatMult) && self.is_matrix_product(bin_op) {
                    op = Some(Op::Kernel);
                } else if array && self.loop_depth == 0 && !self.is_zero_dim(expr) {
                    op = Some(Op::Elementwise);
                }
            }
            ast::Expr::UnaryOp(unary)
                if matches!(unary.op, ast::UnaryOp::USub)
                    && self.kind(&unary.operand).is_array()
                    && self.loop_depth == 0
                    && !self.is_zero_dim(expr) =>
            {
                op = Some(Op::Elementwise);
            }
            ast::Expr::IfExp(if_exp) => self.branch(&if_exp.test),
            ast::Expr::Yield(_) | ast::Expr::YieldFrom(_) | ast::Expr::Await(_) => {
                self.suspends = true;
            }
            ast::Expr::NamedExpr(named) => {
                let kind = self.kind(&named.value);
                if let ast::Expr::Name(name) = &*named.target {
                    self.kinds.insert(name.id.as_str(), kind);
                }
            }
            ast::Expr::ListComp(_)
            | ast::Expr::SetComp(_)
            | ast::Expr::DictComp(_)
            | ast::Expr::GeneratorExp(_) => {
                self.comprehension_targets(expr);
            }
            _ => (),
        }
        walk::for_each_child(expr, |child| self.expr(child));
        if let Some(op) = op {
            self.ops.count(op);
        }
    }

    /// Whether `a @ b` is an array matrix product: an operand is a known array, or the code is
    /// deep-learning code (torch, JAX, TensorFlow), where `@` multiplies tensors. In NumPy-only
    /// code an unknown `@` may be a scipy sparse product.
    fn is_matrix_product(&self, bin_op: &ast::ExprBinOp) -> bool {
        self.kind(&bin_op.left).is_array()
            || self.kind(&bin_op.right).is_array()
            || self.deep_learning
    }

    /// Counts arithmetic on an array of some library as that library's array operation.
    fn count_library_op(&mut self, kind: Kind) {
        let library = match kind {
            Kind::NdArray => Library::Numpy,
            Kind::Tensor => Library::Torch,
            Kind::JaxArray => Library::Jax,
            Kind::TfTensor => Library::TensorFlow,
            _ => return,
        };
        *self.library_ops.entry(library).or_default() += 1;
    }

    fn comprehension_targets(&mut self, expr: &'a ast::Expr) {
        let generators = match expr {
            ast::Expr::ListComp(e) => &e.generators,
            ast::Expr::SetComp(e) => &e.generators,
            ast::Expr::DictComp(e) => &e.generators,
            ast::Expr::GeneratorExp(e) => &e.generators,
            _ => return,
        };
        for generator in generators {
            self.bind(&generator.target, Kind::Unknown, false);
        }
    }

    /// Records a call; returns the array operation it runs, if any, for the caller to count
    /// after its arguments.
    fn call(&mut self, call: &'a ast::ExprCall) -> Option<Op> {
        let qualified = self.module.imports.qualified_name(&call.func);
        let (method, receiver) = match (&qualified, &*call.func) {
            (None, ast::Expr::Attribute(attribute)) => {
                (Some(attribute.attr.as_str()), Some(&*attribute.value))
            }
            _ => (None, None),
        };
        let receiver_kind = receiver.map_or(Kind::Unknown, |r| self.kind(r));
        let site = CallSite {
            expr: call,
            qualified,
            method,
            receiver_kind,
            receiver,
        };
        let op = if let Some(library) = site.library() {
            let short = site.short_name();
            // Ex) `jnp.minimum(n, 1)` on numbers known to be numbers is no array work.
            let on_numbers = site.receiver.is_none()
                && !call.args.is_empty()
                && call
                    .args
                    .iter()
                    .all(|arg| matches!(self.kind(arg), Kind::Scalar | Kind::Str | Kind::Tuple));
            let array_method = site.receiver_kind.is_array()
                && !matches!(
                    short,
                    "item" | "tolist" | "numpy" | "size" | "dim" | "numel"
                )
                && !is_static_query(short);
            let counted = is_library_kernel(&site)
                || ((is_elementwise(short) || is_reduction(short)) && !on_numbers)
                || array_method;
            if counted {
                *self.library_ops.entry(library).or_default() += 1;
            }
            if on_numbers && !is_library_kernel(&site) {
                // Scalar arithmetic through the library.
                None
            } else if is_library_kernel(&site) {
                Some(Op::Kernel)
            } else if self.loop_depth > 0 {
                // Element work inside loops is the loop's, not a whole-array operation.
                None
            } else if self
                .zero_dim
                .holds_call(call, &|e| self.kind(e), &self.module.imports)
            {
                // `torch.cos(w0)` of a 0-d coefficient.
                None
            } else if is_elementwise(short) {
                Some(Op::Elementwise)
            } else if is_reduction(short) {
                Some(Op::Reduction)
            } else {
                None
            }
        } else if self.runs_submodule(call) {
            // A layer (a convolution, a linear map, a block of them) is library-kernel work that
            // compiling leaves as it is, and it splits the elementwise chain around it; an
            // activation, a dropout or a norm layer is fusible work.
            match &*call.func {
                ast::Expr::Attribute(attribute) => Some(submodule_op(attribute.attr.as_str())),
                _ => None,
            }
        } else if self.deep_learning && self.runs_member_method(call) {
            // `self.model.posterior(X)`: a member object's method given an array is work the
            // counts cannot see (a model, a sampler, a solver), so it holds time and ends the chain.
            Some(Op::Kernel)
        } else if self.deep_learning && calls_parent(call) {
            // `super().forward(x)`: the parent's implementation, work the counts cannot see
            // and a fused chain does not save; like a layer, it holds time and ends the chain.
            Some(Op::Kernel)
        } else {
            None
        };
        self.calls.push(site);
        op
    }

    /// Whether `call` is `self.<layer>(...)` in a deep-learning method, with no method of that
    /// name in the class: a submodule's forward.
    fn runs_submodule(&self, call: &ast::ExprCall) -> bool {
        let (true, Some(class), ast::Expr::Attribute(attribute)) =
            (self.deep_learning, self.class.as_deref(), &*call.func)
        else {
            return false;
        };
        let on_self =
            matches!(&*attribute.value, ast::Expr::Name(name) if name.id.as_str() == "self");
        // A private name (`self._gate(params)`) is a method, inherited when the class has none.
        on_self && !attribute.attr.starts_with('_') && {
            let method = format!("{class}.{}", attribute.attr);
            !self.module.functions.iter().any(|f| f.name == method)
        }
    }

    /// Whether `expr` is a tensor of no dimension built from Python numbers, or computed from
    /// such tensors and numbers alone ([`ZeroDimTensors`]).
    fn is_zero_dim(&self, expr: &ast::Expr) -> bool {
        self.zero_dim
            .holds(expr, &|e| self.kind(e), &self.module.imports)
    }

    /// Whether `call` is `self.<member>.<method>(...)` (any depth below `self`) with an array
    /// among its arguments, on a member that is not itself an array. A distribution's density
    /// (`self.normal.cdf(u)`) is elementwise math, not such work.
    fn runs_member_method(&self, call: &ast::ExprCall) -> bool {
        let ast::Expr::Attribute(method) = &*call.func else {
            return false;
        };
        if matches!(
            method.attr.as_str(),
            "log_prob" | "cdf" | "icdf" | "prob" | "pdf" | "logpdf" | "logcdf"
        ) {
            return false;
        }
        let ast::Expr::Attribute(member) = &*method.value else {
            return false;
        };
        let mut root = &*member.value;
        while let ast::Expr::Attribute(inner) = root {
            root = &inner.value;
        }
        matches!(root, ast::Expr::Name(name) if name.id.as_str() == "self")
            && !self.kind(&method.value).is_array()
            && call.args.iter().any(|arg| self.kind(arg).is_array())
    }
}

/// The name a decorator expression starts from: `groupndreduce` in `@groupndreduce.wrap()`.
fn root_name(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Name(name) => Some(name.id.as_str()),
        ast::Expr::Attribute(attribute) => root_name(&attribute.value),
        ast::Expr::Call(call) => root_name(&call.func),
        _ => None,
    }
}

/// The root and the name after it of `a.b`, `a.b.c(...)`: `("a", "b")`.
fn module_member(expr: &ast::Expr) -> Option<(&str, &str)> {
    match expr {
        ast::Expr::Attribute(attribute) => match &*attribute.value {
            ast::Expr::Name(name) => Some((name.id.as_str(), attribute.attr.as_str())),
            other => module_member(other),
        },
        ast::Expr::Call(call) => module_member(&call.func),
        _ => None,
    }
}

/// Whether `call` is `super().<method>(...)`.
fn calls_parent(call: &ast::ExprCall) -> bool {
    let ast::Expr::Attribute(attribute) = &*call.func else {
        return false;
    };
    matches!(&*attribute.value, ast::Expr::Call(inner)
        if matches!(&*inner.func, ast::Expr::Name(name) if name.id.as_str() == "super"))
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;
    use crate::model::{functions, ModuleModel};

    fn with_model(source: &str, check: impl FnOnce(&FunctionModel<'_>, &ModuleModel<'_>)) {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let module = ModuleModel::build(&suite);
        let syntaxes = functions(&suite);
        let model = FunctionModel::build(syntaxes[0].clone(), &module);
        check(&model, &module);
    }

    #[test]
    fn kinds_come_from_annotations_defaults_constructors_and_operations() {
        let source = "import numpy as np\nimport torch\ndef f(a: np.ndarray, x, n=3, s='a'):\n    b = np.zeros(n)\n    t = torch.sin(x)\n    u = t * 2 + 1\n    k = u.sum().item()\n    m = k * 2\n    l = [1, 2]\n    d = {}\n    shape = t.shape\n";
        with_model(source, |model, _| {
            assert_eq!(model.kind_of_name("a"), Kind::NdArray);
            assert_eq!(model.kind_of_name("x"), Kind::Tensor);
            assert_eq!(model.kind_of_name("n"), Kind::Scalar);
            assert_eq!(model.kind_of_name("s"), Kind::Str);
            assert_eq!(model.kind_of_name("b"), Kind::NdArray);
            assert_eq!(model.kind_of_name("u"), Kind::Tensor);
            assert_eq!(model.kind_of_name("k"), Kind::Scalar);
            assert_eq!(model.kind_of_name("l"), Kind::List);
            assert_eq!(model.kind_of_name("d"), Kind::Dict);
            assert_eq!(model.kind_of_name("shape"), Kind::Tuple);
            assert!(model.tensor_scalars.contains("k"));
            assert!(model.tensor_scalars.contains("m"));
            assert!(!model.tensor_scalars.contains("n"));
        });
    }

    #[test]
    fn jax_and_tf_arrays_and_float_of_tensor() {
        let source = "import jax.numpy as jnp\nimport tensorflow as tf\ndef f(x: jax.Array, y: tf.Tensor):\n    a = jnp.cos(x)\n    b = tf.exp(y)\n    c = float(b)\n";
        with_model(source, |model, _| {
            assert_eq!(model.kind_of_name("a"), Kind::JaxArray);
            assert_eq!(model.kind_of_name("b"), Kind::TfTensor);
            assert!(model.tensor_scalars.contains("c"));
        });
    }

    #[test]
    fn decorators_are_recognized_through_aliases() {
        let source = "from numba import njit as fast\nimport numpy as np\n@fast(cache=True, fastmath=True)\ndef f(a):\n    return np.sum(a)\n";
        with_model(source, |model, _| {
            let decorator = model.jit_for(Framework::Numba).unwrap();
            assert!(decorator.flag("cache"));
            assert!(decorator.flag("fastmath"));
            assert!(!decorator.flag("parallel"));
        });
        let source = "from functools import partial\nimport jax\n@partial(jax.jit, static_argnames=('n', 'k'))\ndef f(x, n, k):\n    return x\n";
        with_model(source, |model, _| {
            assert_eq!(
                model
                    .jit_for(Framework::Jax)
                    .unwrap()
                    .strings("static_argnames"),
                ["n", "k"]
            );
        });
        let source = "import torch\ndef f(x):\n    return torch.sin(x)\ng = torch.compile(f, dynamic=False)\n";
        with_model(source, |model, _| {
            assert!(model
                .jit_for(Framework::Torch)
                .unwrap()
                .flag_false("dynamic"));
        });
    }

    #[test]
    fn calls_resolve_and_branches_know_their_dependence() {
        let source = "import torch\ndef f(x, threshold=0.5):\n    n = (x > threshold).sum().item()\n    if n > x.numel() * 0.3:\n        r = torch.matmul(x, x.T)\n    if x.sum() > 0:\n        pass\n    if x.shape[0] > 4:\n        pass\n    return r\n";
        with_model(source, |model, _| {
            assert!(model.calls.iter().any(|c| c.is("torch.matmul")));
            assert!(model
                .calls
                .iter()
                .any(|c| c.method == Some("item") && c.receiver_kind == Kind::Tensor));
            let deps: Vec<_> = model
                .branches
                .iter()
                .map(|b| {
                    (
                        b.dependence.tensor,
                        b.dependence.scalar_from_tensor,
                        b.dependence.shape,
                    )
                })
                .collect();
            assert_eq!(
                deps,
                [
                    (false, true, true),
                    (true, false, false),
                    (false, false, true)
                ]
            );
            assert_eq!(model.ops.kernels, 1);
        });
    }
}
