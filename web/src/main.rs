//! The jitlens playground: paste a function, see what stands between it and a JIT.
//!
//! Build and serve with `cargo xtask serve`; the page is a static bundle in `web/dist`.

mod app;
mod components;
mod examples;
mod fragment;
mod rule_docs;
mod run_defaults;
mod services;
mod share;
mod text;

fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<app::App>::new().render();
}
