//! One job's provisioning cycles on a time axis; a cycle filters by itself.

use yew::prelude::*;

use crate::core::session::JobCycles;

use super::activates;

#[derive(Properties, PartialEq)]
pub struct CycleTimelineProps {
    pub job: JobCycles,
    pub on_cycle: Callback<String>,
}

#[component]
pub fn CycleTimeline(props: &CycleTimelineProps) -> Html {
    const W: f64 = 1000.0;
    const H: f64 = 26.0;
    let j = &props.job;
    let span = (j.last_ms - j.first_ms).max(1) as f64;
    let failed = j.cycles.iter().filter(|c| c.failures > 0).count();
    let summary = format!(
        "{}: {} cycles, {failed} with failures",
        if j.name.is_empty() {
            &j.job_id
        } else {
            &j.name
        },
        j.cycles.len()
    );
    let marks = j.cycles.iter().map(|c| {
        let x = (c.start_ms - j.first_ms) as f64 / span * (W - 8.0) + 4.0;
        let w = ((c.end_ms - c.start_ms) as f64 / span * (W - 8.0)).max(4.0);
        let class = if c.failures > 0 { "cycle s-failure" } else { "cycle s-success" };
        let onclick = {
            let id = c.cycle_id.clone();
            props.on_cycle.reform(move |_: MouseEvent| id.clone())
        };
        let onkeydown = {
            let id = c.cycle_id.clone();
            let on_cycle = props.on_cycle.clone();
            Callback::from(move |e: KeyboardEvent| {
                if activates(&e) {
                    e.prevent_default();
                    on_cycle.emit(id.clone());
                }
            })
        };
        let title = format!("Cycle {}: {}", c.cycle_id, c.label);
        html! {
            <g role="button" tabindex="0" aria-label={title.clone()} data-testid="cycle" {onclick} {onkeydown}>
                <title>{ title }</title>
                <rect class={class} x={format!("{x:.1}")} y="5" width={format!("{w:.1}")} height="16" rx="2" />
            </g>
        }
    });
    html! {
        <svg class="chart cycles" viewBox={format!("0 0 {W} {H}")} role="group" aria-label={summary.clone()} preserveAspectRatio="none">
            <g role="img" aria-label={summary}>
                <line class="axis" x1="0" x2={W.to_string()} y1="13" y2="13" />
            </g>
            { for marks }
        </svg>
    }
}
