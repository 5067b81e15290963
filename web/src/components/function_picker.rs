//! A select of the report's functions, shared by the rewrite and runner panes.

use std::rc::Rc;

use jitlens_analyzer::Report;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Properties of [`FunctionPicker`].
#[derive(Properties, PartialEq)]
pub(crate) struct FunctionPickerProps {
    /// The analyzer's report.
    pub(crate) report: Rc<Report>,
    /// The chosen function.
    pub(crate) selected: Option<String>,
    /// Called with the newly chosen function.
    pub(crate) on_change: Callback<String>,
}

/// The function picker.
#[function_component(FunctionPicker)]
pub(crate) fn function_picker(props: &FunctionPickerProps) -> Html {
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        on_change.emit(select.value());
    });
    let options = props.report.functions.iter().map(|function| {
        let selected = props.selected.as_deref() == Some(function.name.as_str());
        html! { <option value={function.name.clone()} {selected}>{ &function.name }</option> }
    });
    html! {
        <label class="picker">{ "Function " }
            <select class="function-picker" {onchange} disabled={props.report.functions.is_empty()}>
                { for options }
            </select>
        </label>
    }
}
