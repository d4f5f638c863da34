//! The headline numbers: events and events by status.

use yew::prelude::*;

use crate::core::analyze::totals::StatusCounts;

#[derive(Properties, PartialEq)]
pub struct KpiTilesProps {
    pub events: u64,
    pub by_status: StatusCounts,
}

#[component]
pub fn KpiTiles(props: &KpiTilesProps) -> Html {
    let s = &props.by_status;
    let tiles = [
        ("events", "Events", props.events),
        ("success", "Success", s.success),
        ("failure", "Failure", s.failure),
        ("skipped", "Skipped", s.skipped),
        ("warning", "Warning", s.warning),
    ];
    html! {
        <div class="kpis">
            { for tiles.iter().map(|(key, label, n)| html! {
                <div class={classes!("kpi", format!("kpi-{key}"))}>
                    <span class="kpi-label">{ *label }</span>
                    <span class="kpi-value" data-testid={format!("kpi-{key}")}>{ n.to_string() }</span>
                </div>
            }) }
        </div>
    }
}
