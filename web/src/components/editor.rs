//! The code editor: a native textarea over a highlighted layer, with a line gutter.
//!
//! The textarea keeps everything browsers do well (typing, selection, IME, undo, accessibility);
//! its text is transparent and two layers under it paint the colours and the diagnostics'
//! underlines. The textarea grows to fit its text and the surrounding box scrolls, so gutter,
//! layers and textarea scroll together with no syncing code. Tab, Shift-Tab and Enter go through
//! the browser's `insertText` command so that Ctrl-Z undoes them. Escape, then Tab, leaves.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::profile::Heat;
use crate::services::browser;
use crate::text::highlight::highlight_html;
use crate::text::indent::{self, Edit};
use crate::text::{escape_into, positions};

/// Pixel height of one line; style.css uses the same.
const LINE_HEIGHT_PX: usize = 21;
/// Padding above and below the text; style.css uses the same.
const PAD_PX: usize = 8;

/// A span to underline, with the message shown on hover.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mark {
    /// 1-based line and UTF-16 column of the start.
    pub(crate) start: (usize, usize),
    /// 1-based line and UTF-16 column of the end.
    pub(crate) end: (usize, usize),
    /// `error`, `warning` or `info`.
    pub(crate) severity: &'static str,
    /// Shown on hover.
    pub(crate) message: String,
}

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub(crate) struct EditorProps {
    /// The text shown.
    pub(crate) value: String,
    /// Called with the whole new text on every edit.
    pub(crate) on_change: Callback<String>,
    /// Diagnostics and syntax errors to underline.
    pub(crate) marks: Rc<Vec<Mark>>,
    /// A line profile's heat for the gutter (empty unless the text is the profiled text).
    pub(crate) heat: Rc<Vec<Heat>>,
    /// Shown at the right of the status line ("analyzed in 0.8 ms").
    pub(crate) status: Html,
}

/// Selects `start..end` (1-based lines, UTF-16 columns) in the editor, scrolls to it and focuses it.
pub(crate) fn reveal(source: &str, start: (usize, usize), end: (usize, usize)) {
    let Some(area) = textarea() else {
        return;
    };
    let from = utf16_offset(source, start);
    let to = utf16_offset(source, end).max(from);
    let _ = area.focus();
    let _ = area.set_selection_range(from as u32, to as u32);
    if let Some(scroller) = area.closest(".editor-scroll").ok().flatten() {
        let top = (start.0.saturating_sub(1) * LINE_HEIGHT_PX) as i32;
        let height = scroller.client_height();
        if top < scroller.scroll_top()
            || top + 2 * LINE_HEIGHT_PX as i32 > scroller.scroll_top() + height
        {
            scroller.set_scroll_top((top - height / 3).max(0));
        }
    }
}

fn textarea() -> Option<HtmlTextAreaElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?
        .document()?
        .get_element_by_id("editor")?
        .dyn_into()
        .ok()
}

fn utf16_offset(source: &str, (line, column): (usize, usize)) -> usize {
    positions::utf16_of_byte(source, positions::byte_offset(source, line, column))
}

/// The marks layer: the text, transparent, with `<mark>` around each marked span.
fn marks_html(source: &str, marks: &[Mark]) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = marks
        .iter()
        .map(|mark| {
            let mut start = positions::byte_offset(source, mark.start.0, mark.start.1);
            let mut end = positions::byte_offset(source, mark.end.0, mark.end.1).max(start);
            if end == start {
                // An empty span still gets one character of underline: the next one, or the
                // previous one at the end of a line.
                if let Some(ch) = source[start..].chars().next().filter(|ch| *ch != '\n') {
                    end = start + ch.len_utf8();
                } else if let Some(ch) =
                    source[..start].chars().next_back().filter(|ch| *ch != '\n')
                {
                    start -= ch.len_utf8();
                }
            }
            (start, end, mark.severity)
        })
        .collect();
    spans.sort_by_key(|span| span.0);
    let mut out = String::with_capacity(source.len() + 64 * spans.len());
    let mut cursor = 0;
    for (start, end, severity) in spans {
        let start = start.max(cursor);
        if end <= start {
            continue;
        }
        escape_into(&mut out, &source[cursor..start]);
        out.push_str("<mark class=\"sev-");
        out.push_str(severity);
        out.push_str("\">");
        escape_into(&mut out, &source[start..end]);
        out.push_str("</mark>");
        cursor = end;
    }
    escape_into(&mut out, &source[cursor..]);
    out
}

/// Width in columns of the longest line (tabs to the next stop, wide characters counted twice).
fn widest_line(source: &str) -> usize {
    source
        .lines()
        .map(|line| {
            line.chars().fold(0, |width, ch| match ch {
                '\t' => width + 4 - width % 4,
                ch if ch.is_ascii() => width + 1,
                _ => width + 2,
            })
        })
        .max()
        .unwrap_or(0)
}

fn apply(area: &HtmlTextAreaElement, edit: &Edit, on_change: &Callback<String>) {
    let _ = area.set_selection_range(edit.start as u32, edit.end as u32);
    if !browser::insert_text(&edit.text) {
        // No editing command: change the value directly (this loses the undo history).
        let _ =
            area.set_range_text_with_start_and_end(&edit.text, edit.start as u32, edit.end as u32);
        on_change.emit(area.value());
    }
    let _ = area.set_selection_range(edit.select_start as u32, edit.select_end as u32);
}

/// A Python editor.
#[function_component(Editor)]
pub(crate) fn editor(props: &EditorProps) -> Html {
    let highlighted = use_memo(props.value.clone(), |source| {
        Html::from_html_unchecked(AttrValue::from(highlight_html(source) + "\n"))
    });
    let marked = use_memo(
        (props.value.clone(), props.marks.clone()),
        |(source, marks)| {
            // Without marks the layer stays empty: no second copy of a large text to lay out.
            if marks.is_empty() {
                return Html::default();
            }
            Html::from_html_unchecked(AttrValue::from(marks_html(source, marks) + "\n"))
        },
    );
    let leaving = use_state(|| Rc::new(Cell::new(false)));
    let caret = use_state(|| (1usize, 1usize));

    let lines = props.value.split('\n').count();
    let gutter: String = (1..=lines).map(|n| format!("{n}\n")).collect();
    let size = format!(
        "height: {}px; width: calc({}ch + {}px);",
        lines * LINE_HEIGHT_PX + 2 * PAD_PX,
        widest_line(&props.value) + 2,
        2 * PAD_PX
    );

    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_change.emit(area.value());
        })
    };
    let update_caret = {
        let caret = caret.clone();
        Callback::from(move |area: HtmlTextAreaElement| {
            let value = area.value();
            let offset = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            let (line, column) =
                positions::line_column(&value, positions::byte_of_utf16(&value, offset));
            caret.set((line, column + 1));
        })
    };
    let on_keydown = {
        let on_change = props.on_change.clone();
        let leaving = (*leaving).clone();
        let update_caret = update_caret.clone();
        Callback::from(move |event: KeyboardEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            let key = event.key();
            if key == "Escape" {
                leaving.set(true);
                return;
            }
            if key == "Tab" && leaving.replace(false) {
                return; // Escape, then Tab: let focus move on.
            }
            leaving.set(false);
            let plain = !(event.ctrl_key() || event.meta_key() || event.alt_key());
            if !plain || event.is_composing() {
                return;
            }
            let text = area.value();
            let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
            let edit = match (key.as_str(), event.shift_key()) {
                ("Tab", false) => indent::indent(&text, start, end),
                ("Tab", true) => indent::dedent(&text, start, end),
                ("Enter", false) => indent::newline(&text, start, end),
                _ => return,
            };
            event.prevent_default();
            apply(&area, &edit, &on_change);
            update_caret.emit(area);
        })
    };
    let on_caret_key = {
        let update_caret = update_caret.clone();
        Callback::from(move |event: KeyboardEvent| update_caret.emit(event.target_unchecked_into()))
    };
    let on_click = {
        let update_caret = update_caret.clone();
        Callback::from(move |event: MouseEvent| update_caret.emit(event.target_unchecked_into()))
    };
    let on_select = {
        let update_caret = update_caret.clone();
        Callback::from(move |event: Event| update_caret.emit(event.target_unchecked_into()))
    };
    let on_mouse_move = {
        let marks = props.marks.clone();
        Callback::from(move |event: MouseEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            let title = hovered_message(&area, &event, &marks).unwrap_or_default();
            if area.title() != title {
                area.set_title(&title);
            }
        })
    };

    // Each heated line repeats its number over an opaque background mixed from the gutter's
    // colour and the heat colour, so the number stays readable in both themes.
    let heat = props.heat.iter().map(|heat| {
        let top = heat.line.saturating_sub(1) * LINE_HEIGHT_PX + PAD_PX;
        html! {
            <span class="heat" data-line={heat.line.to_string()} data-share={format!("{:.3}", heat.share)}
                  style={format!("top: {top}px; --heat-mix: {}%", heat.strength)}
                  title={heat.title.clone()}>{ heat.line }</span>
        }
    });
    let markers = props.marks.iter().map(|mark| {
        let top = (mark.start.0.saturating_sub(1) * LINE_HEIGHT_PX + PAD_PX).to_string();
        html! {
            <span class={classes!("marker", format!("sev-{}", mark.severity))}
                  style={format!("top: {top}px")} title={mark.message.clone()}>{ "●" }</span>
        }
    });
    let (line, column) = *caret;
    let here = props.marks.iter().find(|mark| {
        let caret_utf16 = column.saturating_sub(1);
        mark.start.0 <= line
            && line <= mark.end.0
            && (mark.start.0 < line || mark.start.1 <= caret_utf16)
            && (line < mark.end.0 || caret_utf16 <= mark.end.1)
    });
    html! {
        <div class="editor">
            <div class="editor-scroll">
                <div class="gutter" aria-hidden="true">
                    <pre class="numbers">{ gutter }</pre>
                    { for heat }
                    { for markers }
                </div>
                <div class="code" style={size}>
                    <pre class="layer highlight" aria-hidden="true">{ (*highlighted).clone() }</pre>
                    <pre class="layer marks" aria-hidden="true">{ (*marked).clone() }</pre>
                    <textarea
                        id="editor"
                        aria-label="Python source"
                        aria-describedby="editor-help"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        value={props.value.clone()}
                        oninput={on_input}
                        onkeydown={on_keydown}
                        onkeyup={on_caret_key}
                        onclick={on_click}
                        onselect={on_select}
                        onmousemove={on_mouse_move}
                    />
                </div>
            </div>
            <div class="editor-status">
                <span>{ format!("Ln {line}, Col {column}") }</span>
                <span id="caret-diagnostic" class="caret-diagnostic" aria-live="polite">
                    { here.map(|mark| mark.message.clone()).unwrap_or_default() }
                </span>
                <span id="editor-help" class="muted">{ "Tab indents · Esc then Tab leaves" }</span>
                { props.status.clone() }
            </div>
        </div>
    }
}

/// The message of the mark under the mouse, from its position over the monospace text.
fn hovered_message(
    area: &HtmlTextAreaElement,
    event: &MouseEvent,
    marks: &[Mark],
) -> Option<String> {
    if marks.is_empty() {
        return None;
    }
    let rect = area.get_bounding_client_rect();
    let y = f64::from(event.client_y()) - rect.top() - PAD_PX as f64;
    let x = f64::from(event.client_x()) - rect.left() - PAD_PX as f64;
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let line = (y / LINE_HEIGHT_PX as f64) as usize + 1;
    let char_width = char_width_px(area)?;
    let visual_column = (x / char_width) as usize;
    let value = area.value();
    let text = value.split('\n').nth(line - 1)?;
    // Visual columns to UTF-16 columns (tabs to the next stop).
    let mut visual = 0;
    let mut column = 0;
    for ch in text.chars() {
        let width = if ch == '\t' { 4 - visual % 4 } else { 1 };
        if visual + width > visual_column {
            break;
        }
        visual += width;
        column += ch.len_utf16();
    }
    marks
        .iter()
        .find(|mark| {
            (mark.start.0, mark.start.1) <= (line, column)
                && (line, column) <= (mark.end.0, mark.end.1.max(mark.start.1 + 1))
        })
        .map(|mark| mark.message.clone())
}

/// The width of one character of the editor's font, measured once from the layer's text.
fn char_width_px(area: &HtmlTextAreaElement) -> Option<f64> {
    thread_local! {
        static WIDTH: Cell<f64> = const { Cell::new(0.0) };
    }
    let known = WIDTH.with(Cell::get);
    if known > 0.0 {
        return Some(known);
    }
    let document = web_sys::window()?.document()?;
    let probe = document.create_element("span").ok()?;
    probe.set_text_content(Some(&"0".repeat(100)));
    probe.set_class_name("char-probe");
    let parent = area.parent_element()?;
    parent.append_child(&probe).ok()?;
    let width = probe.get_bounding_client_rect().width() / 100.0;
    let _ = parent.remove_child(&probe);
    (width > 0.0).then(|| {
        WIDTH.with(|cell| cell.set(width));
        width
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(start: (usize, usize), end: (usize, usize)) -> Mark {
        Mark {
            start,
            end,
            severity: "error",
            message: "m".to_owned(),
        }
    }

    #[test]
    fn marks_wrap_their_span_and_keep_the_text() {
        let html = marks_html("x = a < b\n", &[mark((1, 4), (1, 9))]);
        assert_eq!(html, "x = <mark class=\"sev-error\">a &lt; b</mark>\n");
    }

    #[test]
    fn empty_and_overlapping_marks_stay_well_formed() {
        let html = marks_html(
            "ab\ncd",
            &[
                mark((2, 0), (2, 0)),
                mark((1, 0), (2, 1)),
                mark((1, 1), (1, 2)),
            ],
        );
        assert_eq!(html, "<mark class=\"sev-error\">ab\nc</mark>d");
        assert_eq!(
            marks_html("ab", &[mark((1, 2), (1, 2))]),
            "a<mark class=\"sev-error\">b</mark>"
        );
    }

    #[test]
    fn widest_line_counts_tabs_and_wide_characters() {
        assert_eq!(widest_line("a\n\tb\n速度"), 5);
    }
}
