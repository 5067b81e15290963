//! Which classes of a project are `nn.Module` subclasses, read from their headers
//! (`class Name(Base, ...):`) without parsing the modules: a base from `torch.nn`
//! ([`is_torch_module_base`]) makes a model, and so does a base that is a model of the project,
//! in whatever module and order the two are defined.

use std::collections::{BTreeMap, BTreeSet};

/// The project's model classes, by name, as their headers are read.
#[derive(Debug, Default)]
pub(crate) struct TorchModels {
    /// Classes known to be models.
    models: BTreeSet<String>,
    /// For a base not known yet to be a model, the classes waiting on it.
    waiting: BTreeMap<String, Vec<String>>,
}

impl TorchModels {
    /// No models.
    pub(crate) const fn new() -> Self {
        Self {
            models: BTreeSet::new(),
            waiting: BTreeMap::new(),
        }
    }

    /// Adds the class headers of one module.
    pub(crate) fn add(&mut self, headers: ClassHeaders) {
        for (name, bases) in headers.0 {
            if bases.iter().any(|base| self.is_model_base(base)) {
                self.mark(name);
            } else {
                for base in bases {
                    self.waiting
                        .entry(last_name(&base).to_owned())
                        .or_default()
                        .push(name.clone());
                }
            }
        }
    }

    /// Whether the project has a model class.
    pub(crate) fn any(&self) -> bool {
        !self.models.is_empty()
    }

    /// Whether the base written `base` is a model: of torch, or of the project.
    pub(crate) fn is_model_base(&self, base: &str) -> bool {
        is_torch_module_base(base) || self.models.contains(last_name(base))
    }

    fn mark(&mut self, name: String) {
        let mut work = vec![name];
        while let Some(name) = work.pop() {
            if let Some(children) = self.waiting.remove(&name) {
                work.extend(children);
            }
            self.models.insert(name);
        }
    }
}

/// Whether a base written `base` (`nn.Module`, `torch.nn.modules.loss._Loss`, `Module`,
/// `_Loss`, `LightningModule`) is a module class of torch or of a library built on it.
fn is_torch_module_base(base: &str) -> bool {
    let last = last_name(base);
    let in_torch_nn = base.starts_with("nn.") || base.starts_with("torch.nn.");
    let class_of_torch_nn = in_torch_nn
        && last.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && !last.starts_with("Parameter");
    class_of_torch_nn || TORCH_MODULE_NAMES.contains(&last) || last.ends_with("Module")
}

/// `torch.nn` module classes that are often imported by name and subclassed.
const TORCH_MODULE_NAMES: &[&str] = &[
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "_Loss",
    "_WeightedLoss",
];

fn last_name(base: &str) -> &str {
    base.rsplit('.').next().unwrap_or(base)
}

/// The `(name, bases)` of every class statement of a module, the bases as written, without
/// their subscripts (`Generic[T]` is `Generic`) and keywords (`metaclass=ABCMeta`).
#[derive(Debug, Clone, Default)]
pub struct ClassHeaders(Vec<(String, Vec<String>)>);

impl ClassHeaders {
    /// Reads the class statements of `source` from its text: cheap enough for every module of
    /// a project, and never fails.
    pub fn read(source: &str) -> Self {
        let mut headers = Vec::new();
        let mut line_start = 0;
        for line in source.split_inclusive('\n') {
            let at = line_start + (line.len() - line.trim_start().len());
            line_start += line.len();
            let Some(rest) = source[at..].strip_prefix("class ") else {
                continue;
            };
            let name_end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (name, rest) = rest.split_at(name_end);
            if name.is_empty() {
                continue;
            }
            let bases = rest
                .trim_start()
                .strip_prefix('(')
                .map(bases)
                .unwrap_or_default();
            headers.push((
                name.to_owned(),
                bases.into_iter().map(str::to_owned).collect(),
            ));
        }
        Self(headers)
    }
}

/// The bases in the text after a class header's `(`, up to its `)`.
fn bases(inside: &str) -> Vec<&str> {
    let mut bases = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in inside.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ',' | ')' if depth == 0 => {
                let base = inside[start..i].trim();
                let base = base.split('[').next().unwrap_or(base).trim();
                if !base.is_empty() && !base.contains('=') {
                    bases.push(base);
                }
                if c == ')' {
                    break;
                }
                start = i + 1;
            }
            _ => (),
        }
    }
    bases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models(modules: &[&str]) -> Vec<String> {
        let mut models = TorchModels::default();
        for module in modules {
            models.add(ClassHeaders::read(module));
        }
        models.models.into_iter().collect()
    }

    #[test]
    fn torch_nn_bases_make_models() {
        let source = "class Net(nn.Module):\n    pass\nclass Loss(torch.nn.modules.loss._Loss): ...\nclass Plain:\n    pass\nclass Param(nn.Parameter): ...\n";
        assert_eq!(models(&[source]), ["Loss", "Net"]);
    }

    #[test]
    fn subclasses_of_the_projects_models_are_models_in_any_order() {
        let derived = "from .base import Base\nclass Head(\n    Base,\n    metaclass=ABCMeta,\n):\n    pass\n";
        let base = "class Base(Generic[T], nn.Module): ...\n";
        assert_eq!(models(&[derived, base]), ["Base", "Head"]);
        assert_eq!(models(&[base, derived]), ["Base", "Head"]);
    }

    #[test]
    fn metric_classes_on_other_bases_are_not_models() {
        let source =
            "class Metric(ABC): ...\nclass Dice(Metric):\n    x = 'class Fake(nn.Module)'\n";
        assert!(models(&[source]).is_empty());
    }
}
