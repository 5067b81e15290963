//! The code editor: a textarea with a line-number gutter.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub(crate) struct EditorProps {
    /// The text shown.
    pub(crate) value: String,
    /// Called with the whole new text on every edit.
    pub(crate) on_change: Callback<String>,
}

/// A plain-text Python editor.
#[function_component(Editor)]
pub(crate) fn editor(props: &EditorProps) -> Html {
    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_change.emit(area.value());
        })
    };
    let line_count = props.value.lines().count().max(1) + usize::from(props.value.ends_with('\n'));
    let gutter: String = (1..=line_count).map(|n| format!("{n}\n")).collect();
    html! {
        <div class="editor">
            <pre class="gutter" aria-hidden="true">{ gutter }</pre>
            <textarea
                id="editor"
                aria-label="Python source"
                spellcheck="false"
                autocapitalize="off"
                value={props.value.clone()}
                oninput={on_input}
            />
        </div>
    }
}
