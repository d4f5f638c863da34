//! The totals of the loaded data set.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::report::Summary;
use crate::worker::protocol::FileRef;

use super::action_counts::ActionCounts;
use super::drop_zone::DropZone;
use super::export_bar::{ExportBar, ExportChoice};
use super::file_chips::FileChips;
use super::kpi_tiles::KpiTiles;

#[derive(Properties, PartialEq)]
pub struct SummaryViewProps {
    pub summary: Rc<Summary>,
    /// Files that replace the data set.
    pub on_replace: Callback<Vec<FileRef>>,
    /// Files that join the data set.
    pub on_add: Callback<Vec<FileRef>>,
    pub on_reset: Callback<()>,
    pub on_export: Callback<ExportChoice>,
}

#[component]
pub fn SummaryView(props: &SummaryViewProps) -> Html {
    let s = &props.summary;
    let on_add_picked = {
        let on_add = props.on_add.clone();
        Callback::from(move |e: Event| on_add.emit(crate::ui::browser::picked_files(&e)))
    };
    let on_reset = props.on_reset.reform(|_: MouseEvent| ());
    let range = match (&s.time_range.first, &s.time_range.last) {
        (Some(first), Some(last)) => format!("{first} → {last}"),
        _ => "no event carries a time".to_string(),
    };
    html! {
        <section class="summary" data-testid="summary">
            { for s.files.iter().filter_map(|f| f.refused.as_ref()).map(|m| html! {
                <p class="notice refused" role="alert" data-testid="refused">{ m.clone() }</p>
            }) }
            <div class="summary-head">
                <h1>{"Summary"}</h1>
                <p class="muted" data-testid="time-range">{ range }</p>
            </div>
            <ExportBar on_export={props.on_export.clone()} />
            <KpiTiles events={s.events} by_status={s.by_status.clone()} />
            <p class="muted totals-note">
                { format!("{} duplicates kept once · {} records rejected", s.duplicates, s.rejected) }
            </p>
            <div class="grid">
                <ActionCounts counts={s.by_action.clone()} />
                <FileChips files={s.files.clone()} issues={s.issues.clone()} />
            </div>
            <div class="more">
                <DropZone
                    on_files={props.on_replace.clone()}
                    label="Drop other exports here to analyze them instead"
                    pick_label="Open other files…"
                    compact=true
                />
                <div class="more-actions">
                    <label class="button">
                        {"Add files…"}
                        <input type="file" multiple=true class="visually-hidden" data-testid="add-input" onchange={on_add_picked} />
                    </label>
                    <button class="button ghost" data-testid="reset" onclick={on_reset}>{"Close data set"}</button>
                </div>
            </div>
        </section>
    }
}
