//! Progress while the worker reads: one bar per file and a Cancel button.

use yew::prelude::*;

use crate::core::progress::FileProgress;

#[derive(Properties, PartialEq)]
pub struct LoadingViewProps {
    pub files: Vec<FileProgress>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn LoadingView(props: &LoadingViewProps) -> Html {
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <section class="loading" data-testid="loading" aria-live="polite">
            <h2>{"Reading files…"}</h2>
            <ul class="progress-list">
                { for props.files.iter().map(|f| html! {
                    <li class="progress-item" key={f.index}>
                        <div class="progress-head">
                            <span class="file-name">{ f.name.clone() }</span>
                            <span class="muted">
                                { format!("{} of {} · {} events", bytes(f.bytes_read), bytes(f.size_bytes), f.events) }
                            </span>
                        </div>
                        <progress max="100" value={f.percent().to_string()} aria-label={format!("{} read", f.name)} />
                    </li>
                }) }
            </ul>
            <button class="button" data-testid="cancel" onclick={on_cancel}>{"Cancel"}</button>
        </section>
    }
}

/// A byte count for people.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
