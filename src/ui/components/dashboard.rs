//! The dashboard: KPIs, events over time, status and action breakdowns, top errors, jobs and
//! their cycles. Every bar, row and cycle filters everything.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::analyze::query::{Facet, Filter};
use crate::core::filters::is_selected;
use crate::core::model::{Action, Status};
use crate::core::session::ViewData;
use crate::ui::charts::bar_list::{BarItem, BarList};
use crate::ui::charts::cycle_timeline::CycleTimeline;
use crate::ui::charts::timeline::TimelineChart;

use super::kpi_tiles::{KpiTiles, Kpis};

/// Jobs whose cycles are drawn (the busiest first).
const CYCLE_JOBS: usize = 8;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// The view data; `None` while the first query runs.
    pub view: Option<Rc<ViewData>>,
    /// The numbers shown until the view data arrives.
    pub fallback: Kpis,
    pub filter: Filter,
    pub by_action: bool,
    pub on_toggle: Callback<(Facet, String)>,
    pub on_range: Callback<(i64, i64)>,
    pub on_chart_mode: Callback<bool>,
}

#[component]
pub fn Dashboard(props: &DashboardProps) -> Html {
    let Some(v) = &props.view else {
        return html! {
            <div class="dashboard" data-testid="dashboard">
                <KpiTiles kpis={props.fallback.clone()} />
                <p class="muted">{"Analyzing…"}</p>
            </div>
        };
    };
    let o = &v.overview;
    let kpis = Kpis {
        events: o.totals.events,
        by_status: o.totals.by_status.clone(),
        success_rate: o.success_rate,
        identities: o.identities,
        jobs: o.jobs.len() as u64,
        first: o.totals.time_range.first.clone(),
        last: o.totals.time_range.last.clone(),
    };
    let f = &props.filter;
    let s = &o.totals.by_status;
    let statuses: Vec<BarItem> = Status::ALL
        .iter()
        .zip([s.success, s.failure, s.skipped, s.warning, s.unknown])
        .filter(|(st, n)| **st != Status::Unknown || *n > 0)
        .map(|(st, count)| BarItem {
            key: st.as_str().to_string(),
            label: st.label().to_string(),
            count,
            class: format!("s-{}", st.as_str()),
            selected: is_selected(f, Facet::Status, st.as_str()),
        })
        .collect();
    let a = &o.totals.by_action;
    let actions: Vec<BarItem> = Action::ALL
        .iter()
        .zip([
            a.create,
            a.update,
            a.delete,
            a.disable,
            a.staged_delete,
            a.other,
            a.unknown,
        ])
        .filter(|(ac, n)| **ac != Action::Unknown || *n > 0)
        .map(|(ac, count)| BarItem {
            key: ac.as_str().to_string(),
            label: ac.label().to_string(),
            count,
            class: format!("a-{}", ac.as_str().to_lowercase()),
            selected: is_selected(f, Facet::Action, ac.as_str()),
        })
        .collect();
    let on_status = props.on_toggle.reform(|v: String| (Facet::Status, v));
    let on_action = props.on_toggle.reform(|v: String| (Facet::Action, v));
    let on_cycle = props.on_toggle.reform(|v: String| (Facet::Cycle, v));
    let mode = |by_action: bool, label: &'static str| {
        let onclick = props.on_chart_mode.reform(move |_: MouseEvent| by_action);
        html! {
            <button class={classes!("seg", (props.by_action == by_action).then_some("on"))}
                aria-pressed={(props.by_action == by_action).to_string()}
                data-testid={format!("chart-by-{}", if by_action { "action" } else { "status" })}
                {onclick}>{ label }</button>
        }
    };
    let errors = o.errors.iter().take(6).map(|e| {
        let onclick = {
            let code = e.code.clone();
            props.on_toggle.reform(move |_: MouseEvent| (Facet::ErrorCode, code.clone()))
        };
        let selected = is_selected(f, Facet::ErrorCode, &e.code);
        html! {
            <li>
                <button class={classes!("error-item", selected.then_some("selected"))} aria-pressed={selected.to_string()} data-testid="top-error" {onclick}>
                    <span class="error-head">
                        <code>{ if e.code.is_empty() { "(no code)".to_string() } else { e.code.clone() } }</code>
                        <span class="count">{ format!("{} events · {} identities", e.count, e.identities) }</span>
                    </span>
                    if !e.title.is_empty() { <strong class="error-title">{ e.title.clone() }</strong> }
                    <span class="muted error-text">{ if e.explanation.is_empty() { e.reason.clone() } else { e.explanation.clone() } }</span>
                </button>
            </li>
        }
    });
    let jobs = o.jobs.iter().map(|j| {
        let onclick = {
            let id = j.job_id.clone();
            props.on_toggle.reform(move |_: MouseEvent| (Facet::Job, id.clone()))
        };
        let selected = is_selected(f, Facet::Job, &j.job_id);
        let failures = j.by_status.get("failure").copied().unwrap_or(0);
        html! {
            <tr class={classes!(selected.then_some("selected"))}>
                <td>
                    <button class="link" aria-pressed={selected.to_string()} data-testid="job-row" {onclick}>
                        { if j.name.is_empty() { j.job_id.clone() } else { j.name.clone() } }
                    </button>
                    <div class="muted small mono clip" title={j.job_id.clone()}>{ j.job_id.clone() }</div>
                </td>
                <td class="nowrap">{ j.scenario.label() }</td>
                <td class="num">{ j.events.to_string() }</td>
                <td class="num">{ failures.to_string() }</td>
                <td class="num">{ format!("{:.1} %", j.failure_rate * 100.0) }</td>
                <td class="num">{ j.cycles.to_string() }</td>
                <td class="small nowrap">{ j.last.clone().unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <div class="dashboard" data-testid="dashboard">
            <KpiTiles kpis={kpis} />
            <section class="card">
                <div class="card-head">
                    <h2>{"Events over time"}</h2>
                    <div class="segmented" role="group" aria-label="Stack the bars by">
                        { mode(false, "By status") }
                        { mode(true, "By action") }
                    </div>
                </div>
                <p class="muted small hint">{"Drag across the chart to select a time range; click a bar for its period."}</p>
                <TimelineChart
                    buckets={o.timeline.buckets.clone()}
                    labels={v.bucket_labels.clone()}
                    bucket_ms={o.timeline.bucket_ms}
                    by_action={props.by_action}
                    on_range={props.on_range.clone()}
                />
            </section>
            <div class="grid">
                <section class="card">
                    <h2>{"By status"}</h2>
                    <BarList items={statuses} label="Events by status" testid_prefix="status" on_pick={on_status} />
                </section>
                <section class="card">
                    <h2>{"By action"}</h2>
                    <BarList items={actions} label="Events by action" testid_prefix="action" on_pick={on_action} />
                </section>
            </div>
            <div class="grid wide-right">
                <section class="card">
                    <h2>{"Top errors"}</h2>
                    if o.errors.is_empty() {
                        <p class="muted empty">{"No errors in this selection."}</p>
                    } else {
                        <ul class="error-list">{ for errors }</ul>
                    }
                </section>
                <section class="card">
                    <h2>{"Jobs"}</h2>
                    <div class="table-scroll">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{"Job"}</th><th scope="col">{"Scenario"}</th>
                                <th scope="col" class="num">{"Events"}</th><th scope="col" class="num">{"Failures"}</th>
                                <th scope="col" class="num">{"Failure rate"}</th><th scope="col" class="num">{"Cycles"}</th>
                                <th scope="col">{"Last event"}</th>
                            </tr></thead>
                            <tbody>{ for jobs }</tbody>
                        </table>
                    </div>
                </section>
            </div>
            <section class="card">
                <h2>{"Cycles per job"}</h2>
                <p class="muted small hint">{"Each block is one provisioning cycle (red: it had failures). Click one to filter by it."}</p>
                <ul class="cycle-jobs">
                    { for v.jobs.iter().take(CYCLE_JOBS).map(|j| html! {
                        <li>
                            <div class="cycle-job-name">
                                <span>{ if j.name.is_empty() { j.job_id.clone() } else { j.name.clone() } }</span>
                                <span class="muted small">{ plural(j.cycles.len(), "cycle") }</span>
                            </div>
                            <CycleTimeline job={j.clone()} on_cycle={on_cycle.clone()} />
                        </li>
                    }) }
                </ul>
            </section>
        </div>
    }
}

/// "1 cycle", "3 cycles".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
