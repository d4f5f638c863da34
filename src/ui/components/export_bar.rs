//! Export and share: the audit report, the events as CSV or JSON, and the share mode that
//! pseudonymizes all three with a key the user types or draws at random.

use yew::prelude::*;

use crate::worker::protocol::ExportKind;

/// What the user asked to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportChoice {
    pub kind: ExportKind,
    /// The pseudonymization key in share mode.
    pub share_key: Option<String>,
    pub include_events: bool,
}

#[derive(Properties, PartialEq)]
pub struct ExportBarProps {
    pub on_export: Callback<ExportChoice>,
    /// An export is being made: the buttons wait, and a status says so.
    #[prop_or_default]
    pub busy: bool,
}

#[component]
pub fn ExportBar(props: &ExportBarProps) -> Html {
    let share = use_state(|| false);
    let key = use_state(String::new);
    let include_events = use_state(|| false);

    let on_toggle_share = {
        let share = share.clone();
        let key = key.clone();
        Callback::from(move |_: Event| {
            let on = !*share;
            // Each analysis gets its own random key unless the user types one.
            if on && key.is_empty() {
                key.set(crate::ui::browser::random_key_hex());
            }
            share.set(on);
        })
    };
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| key.set(crate::ui::browser::input_value(&e)))
    };
    let on_events = {
        let include_events = include_events.clone();
        Callback::from(move |_: Event| include_events.set(!*include_events))
    };
    let export = |kind: ExportKind| {
        let on_export = props.on_export.clone();
        let share = share.clone();
        let key = key.clone();
        let include_events = include_events.clone();
        Callback::from(move |_: MouseEvent| {
            on_export.emit(ExportChoice {
                kind,
                share_key: (*share && !key.trim().is_empty()).then(|| (*key).clone()),
                include_events: *include_events,
            })
        })
    };
    html! {
        <div class="export-bar" data-testid="export-bar">
            <button class="button primary" data-testid="export-report" disabled={props.busy} onclick={export(ExportKind::Report)}>
                {"Export report"}
            </button>
            <label class="check">
                <input type="checkbox" data-testid="report-events" checked={*include_events} onchange={on_events} />
                {"with events"}
            </label>
            <button class="button" data-testid="export-csv" disabled={props.busy} onclick={export(ExportKind::Csv)}>{"Export CSV"}</button>
            <button class="button" data-testid="export-json" disabled={props.busy} onclick={export(ExportKind::Json)}>{"Export JSON"}</button>
            <label class="check" title="Replace user names, display names, object ids and attribute values by keyed hashes in exports and the report">
                <input type="checkbox" data-testid="share-mode" checked={*share} onchange={on_toggle_share} />
                {"Share mode (pseudonymize)"}
            </label>
            <span class="muted small" role="status" data-testid="export-busy">
                if props.busy { {"Preparing the export… (the report reads every file again to hash it)"} }
            </span>
            if *share {
                <label class="check">
                    {"Key"}
                    <input type="text" class="key" data-testid="share-key" spellcheck="false"
                        value={(*key).clone()} oninput={on_key} />
                </label>
            }
        </div>
    }
}
