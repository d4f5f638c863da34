//! The headline numbers: events, events by status, success rate, identities, jobs, time range.

use yew::prelude::*;

use crate::core::analyze::totals::StatusCounts;

/// The numbers on the tiles.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kpis {
    pub events: u64,
    pub by_status: StatusCounts,
    pub success_rate: Option<f64>,
    pub identities: u64,
    pub jobs: u64,
    pub first: Option<String>,
    pub last: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct KpiTilesProps {
    pub kpis: Kpis,
}

#[component]
pub fn KpiTiles(props: &KpiTilesProps) -> Html {
    let k = &props.kpis;
    let s = &k.by_status;
    let tiles = [
        ("events", "Events", k.events.to_string()),
        ("success", "Success", s.success.to_string()),
        ("failure", "Failure", s.failure.to_string()),
        ("skipped", "Skipped", s.skipped.to_string()),
        ("warning", "Warning", s.warning.to_string()),
        (
            "rate",
            "Success rate",
            k.success_rate
                .map_or("–".to_string(), |r| format!("{r:.1} %")),
        ),
        ("identities", "Identities", k.identities.to_string()),
        ("jobs", "Jobs", k.jobs.to_string()),
    ];
    let range = match (&k.first, &k.last) {
        (Some(first), Some(last)) => format!("{first} → {last}"),
        _ => "no event carries a time".to_string(),
    };
    html! {
        <>
            <p class="range-line"><span class="muted">{"Time range (UTC) "}</span><span data-testid="time-range">{ range }</span></p>
            <div class="kpis">
                { for tiles.iter().map(|(key, label, n)| html! {
                    <div class={classes!("kpi", format!("kpi-{key}"))}>
                        <span class="kpi-label">{ *label }</span>
                        <span class="kpi-value" data-testid={format!("kpi-{key}")}>{ n.clone() }</span>
                    </div>
                }) }
            </div>
        </>
    }
}
