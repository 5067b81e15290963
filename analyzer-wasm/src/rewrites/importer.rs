//! Names for library functions in the file's own import style, adding an import once where the
//! file has none.
//!
//! `import numba as nb` gives `nb.njit`; `from numba import njit` gives `njit` (and `prange` is
//! added to that same statement); with neither, `import numba` goes after the last top-level
//! import that precedes the function, and the name is `numba.njit`.

use rustpython_parser::ast::{self, Ranged};

use crate::rewrites::edit::{self, TextEdit};

/// Hands out local names for `module.name` and collects the import edits they need.
pub(crate) struct Importer {
    /// `(module, local)` for `import module [as local]`.
    modules: Vec<(String, String)>,
    /// `(module, name, local)` for `from module import name [as local]`.
    names: Vec<(String, String, String)>,
    /// The end of the last alias of a `from module import ...` per module, where more names go.
    from_ends: Vec<(String, usize)>,
    insert_at: usize,
    needs_newline: bool,
    added_lines: Vec<String>,
    extended: Vec<(usize, String)>,
}

/// Conventional aliases for modules the rewrites import.
fn conventional_alias(module: &str) -> Option<&'static str> {
    match module {
        "numpy" => Some("np"),
        "jax.numpy" => Some("jnp"),
        "tensorflow" => Some("tf"),
        _ => None,
    }
}

impl Importer {
    /// Reads the top-level imports that come before `before` (the start of the function the
    /// rewrite decorates: an import after it would run too late).
    pub(crate) fn new(suite: &[ast::Stmt], source: &str, before: usize) -> Self {
        let mut importer = Self {
            modules: Vec::new(),
            names: Vec::new(),
            from_ends: Vec::new(),
            insert_at: 0,
            needs_newline: false,
            added_lines: Vec::new(),
            extended: Vec::new(),
        };
        let mut last_import_end = None;
        for stmt in suite
            .iter()
            .take_while(|stmt| stmt.end().to_usize() <= before)
        {
            match stmt {
                ast::Stmt::Import(import) => {
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        match &alias.asname {
                            Some(local) => {
                                importer.modules.push((name.to_owned(), local.to_string()))
                            }
                            // Ex) `import jax.numpy` binds `jax`; `jax.numpy` is then a full path.
                            None => importer.modules.push((name.to_owned(), name.to_owned())),
                        }
                    }
                    last_import_end = Some(stmt.end().to_usize());
                }
                ast::Stmt::ImportFrom(import) => {
                    let relative = import.level.is_some_and(|level| level.to_u32() > 0);
                    if let (Some(module), false) = (&import.module, relative) {
                        for alias in &import.names {
                            let local = alias.asname.as_ref().unwrap_or(&alias.name);
                            importer.names.push((
                                module.to_string(),
                                alias.name.to_string(),
                                local.to_string(),
                            ));
                        }
                        if let Some(last) = import.names.last() {
                            importer
                                .from_ends
                                .push((module.to_string(), last.end().to_usize()));
                        }
                    }
                    last_import_end = Some(stmt.end().to_usize());
                }
                _ => (),
            }
        }
        match last_import_end {
            Some(end) => {
                importer.insert_at = edit::next_line_start(source, end);
                importer.needs_newline = !source
                    .get(..importer.insert_at)
                    .is_some_and(|s| s.ends_with('\n'));
            }
            None => importer.insert_at = after_docstring(suite, source),
        }
        importer
    }

    /// The local expression for `module.name`, importing what is missing.
    pub(crate) fn name(&mut self, module: &str, name: &str) -> String {
        if let Some((_, _, local)) = self.names.iter().find(|(m, n, _)| m == module && n == name) {
            return local.clone();
        }
        if let Some(prefix) = self.existing_module(module) {
            return format!("{prefix}.{name}");
        }
        // Ex) `from numba import njit` present: add `prange` to it.
        if let Some((_, end)) = self.from_ends.iter().find(|(m, _)| m == module) {
            let end = *end;
            self.extended.push((end, name.to_owned()));
            self.names
                .push((module.to_owned(), name.to_owned(), name.to_owned()));
            return name.to_owned();
        }
        format!("{}.{name}", self.module(module))
    }

    /// The local expression for `module` itself, importing it when missing.
    pub(crate) fn module(&mut self, module: &str) -> String {
        if let Some(prefix) = self.existing_module(module) {
            return prefix;
        }
        let (line, local) = match conventional_alias(module) {
            Some(alias) => (format!("import {module} as {alias}"), alias.to_owned()),
            None => (format!("import {module}"), module.to_owned()),
        };
        self.added_lines.push(line);
        self.modules.push((module.to_owned(), local.clone()));
        local
    }

    /// How `module` can be written with what is imported: an alias, or a path through an
    /// imported parent (`jax.numpy` under `import jax`).
    fn existing_module(&self, module: &str) -> Option<String> {
        if let Some((_, local)) = self.modules.iter().find(|(m, _)| m == module) {
            return Some(local.clone());
        }
        if let Some((parent, rest)) = module.rsplit_once('.') {
            if let Some((_, _, local)) =
                self.names.iter().find(|(m, n, _)| m == parent && n == rest)
            {
                return Some(local.clone());
            }
            let parent_local = self.existing_module(parent)?;
            // Only a plain `import parent` (or `import parent.x`) makes `parent.rest` reachable.
            if self.modules.iter().any(|(m, l)| {
                l == &parent_local && (m == parent || m.starts_with(&format!("{parent}.")))
            }) {
                return Some(format!("{parent_local}.{rest}"));
            }
        }
        None
    }

    /// The import edits, for the rewrite's edit list.
    pub(crate) fn into_edits(self) -> Vec<TextEdit> {
        let mut edits: Vec<TextEdit> = self
            .extended
            .iter()
            .map(|(end, name)| TextEdit::insert(*end, format!(", {name}")))
            .collect();
        if !self.added_lines.is_empty() {
            let mut text = String::new();
            if self.needs_newline {
                text.push('\n');
            }
            for line in &self.added_lines {
                text.push_str(line);
                text.push('\n');
            }
            edits.push(TextEdit::insert(self.insert_at, text));
        }
        edits
    }
}

/// Where imports go in a module that has none before the function: after the docstring.
fn after_docstring(suite: &[ast::Stmt], source: &str) -> usize {
    match suite.first() {
        Some(ast::Stmt::Expr(expr)) if matches!(&*expr.value, ast::Expr::Constant(c) if c.value.is_str()) => {
            edit::next_line_start(source, expr.end().to_usize())
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;
    use crate::rewrites::edit::{apply, normalize};

    fn with_importer(source: &str, f: impl FnOnce(&mut Importer) -> String) -> (String, String) {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let before = source.find("def ").unwrap_or(source.len());
        let mut importer = Importer::new(&suite, source, before);
        let name = f(&mut importer);
        let mut edits = importer.into_edits();
        assert!(normalize(source, &mut edits));
        (name, apply(source, &edits))
    }

    #[test]
    fn follows_the_file_alias_style() {
        let (name, out) = with_importer("import numba as nb\ndef f(): pass\n", |i| {
            i.name("numba", "njit")
        });
        assert_eq!(name, "nb.njit");
        assert_eq!(out, "import numba as nb\ndef f(): pass\n");
        let (name, out) = with_importer("from numba import njit\ndef f(): pass\n", |i| {
            let njit = i.name("numba", "njit");
            format!("{njit} {}", i.name("numba", "prange"))
        });
        assert_eq!(name, "njit prange");
        assert_eq!(out, "from numba import njit, prange\ndef f(): pass\n");
    }

    #[test]
    fn adds_an_import_once_after_the_last_import() {
        let source = "\"\"\"Doc.\"\"\"\nimport numpy as np\n\ndef f(): pass\n";
        let (name, out) = with_importer(source, |i| {
            let a = i.name("numba", "njit");
            let b = i.name("numba", "prange");
            format!("{a} {b}")
        });
        assert_eq!(name, "numba.njit numba.prange");
        assert_eq!(
            out,
            "\"\"\"Doc.\"\"\"\nimport numpy as np\nimport numba\n\ndef f(): pass\n"
        );
        let (name, out) = with_importer("\"\"\"Doc.\"\"\"\ndef f(): pass\n", |i| {
            i.name("jax.numpy", "where")
        });
        assert_eq!(name, "jnp.where");
        assert_eq!(
            out,
            "\"\"\"Doc.\"\"\"\nimport jax.numpy as jnp\ndef f(): pass\n"
        );
        let (name, _) = with_importer("import jax\ndef f(): pass\n", |i| {
            i.name("jax.numpy", "where")
        });
        assert_eq!(name, "jax.numpy.where");
    }
}
