//! One job's provisioning cycles on a time axis; a cycle filters by itself.
//!
//! A busy job has hundreds of cycles, so the marks are two paths (cycles with and without
//! failures) rather than an element each; a click picks the nearest cycle, and the keyboard
//! moves a highlighted cycle with the arrow keys (Enter or Space filters by it), announced
//! through a live region.

use yew::prelude::*;

use crate::core::session::JobCycles;
use crate::ui::browser;

use super::activates;

#[derive(Properties, PartialEq)]
pub struct CycleTimelineProps {
    pub job: JobCycles,
    pub on_cycle: Callback<String>,
}

const W: f64 = 1000.0;
const H: f64 = 26.0;
const PAD: f64 = 4.0;

#[component]
pub fn CycleTimeline(props: &CycleTimelineProps) -> Html {
    let svg = use_node_ref();
    let focused = use_state(|| None::<usize>);
    let j = &props.job;
    let span = (j.last_ms - j.first_ms).max(1) as f64;
    let x_of = move |t: i64| (t - j.first_ms) as f64 / span * (W - 2.0 * PAD) + PAD;
    let width_of = |start: i64, end: i64| ((end - start) as f64 / span * (W - 2.0 * PAD)).max(4.0);
    let failed = j.cycles.iter().filter(|c| c.failures > 0).count();
    let name = if j.name.is_empty() {
        &j.job_id
    } else {
        &j.name
    };
    let summary = format!(
        "{name}: {} cycles, {failed} with failures. Arrow keys pick a cycle, Enter filters by it.",
        j.cycles.len()
    );
    let mut ok_path = String::new();
    let mut failed_path = String::new();
    for c in &j.cycles {
        let path = if c.failures > 0 {
            &mut failed_path
        } else {
            &mut ok_path
        };
        path.push_str(&format!(
            "M{:.1} 5h{:.1}v16h{:.1}z",
            x_of(c.start_ms),
            width_of(c.start_ms, c.end_ms),
            -width_of(c.start_ms, c.end_ms)
        ));
    }
    let onclick = {
        let svg = svg.clone();
        let on_cycle = props.on_cycle.clone();
        let focused = focused.clone();
        let marks: Vec<(f64, f64, String)> = j
            .cycles
            .iter()
            .map(|c| {
                (
                    x_of(c.start_ms),
                    width_of(c.start_ms, c.end_ms),
                    c.cycle_id.clone(),
                )
            })
            .collect();
        Callback::from(move |e: MouseEvent| {
            let Some(f) = browser::fraction_across(&svg, e.client_x()) else {
                return;
            };
            let x = f * W;
            let distance = |(start, w, _): &(f64, f64, String)| {
                if x < *start {
                    start - x
                } else {
                    (x - start - w).max(0.0)
                }
            };
            let nearest = marks
                .iter()
                .enumerate()
                .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)));
            if let Some((i, (_, _, id))) = nearest {
                focused.set(Some(i));
                on_cycle.emit(id.clone());
            }
        })
    };
    let onkeydown = {
        let focused = focused.clone();
        let on_cycle = props.on_cycle.clone();
        let ids: Vec<String> = j.cycles.iter().map(|c| c.cycle_id.clone()).collect();
        Callback::from(move |e: KeyboardEvent| {
            let n = ids.len();
            if n == 0 {
                return;
            }
            let current = *focused;
            let next = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => current.map_or(0, |i| (i + 1).min(n - 1)),
                "ArrowLeft" | "ArrowUp" => current.map_or(0, |i| i.saturating_sub(1)),
                "Home" => 0,
                "End" => n - 1,
                _ if activates(&e) => {
                    if let Some(id) = current.and_then(|i| ids.get(i)) {
                        e.prevent_default();
                        on_cycle.emit(id.clone());
                    }
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            focused.set(Some(next));
        })
    };
    let highlight = focused.and_then(|i| j.cycles.get(i)).map(|c| {
        html! {
            <rect class="cycle-focus" x={format!("{:.1}", x_of(c.start_ms) - 2.0)} y="2"
                width={format!("{:.1}", width_of(c.start_ms, c.end_ms) + 4.0)} height="22" rx="3" />
        }
    });
    let announced = focused
        .and_then(|i| j.cycles.get(i))
        .map(|c| format!("Cycle {}: {}", c.cycle_id, c.label))
        .unwrap_or_default();
    html! {
        <div class="cycle-chart">
            <svg ref={svg} class="chart cycles" viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none"
                role="group" aria-label={summary.clone()} tabindex="0" data-testid="cycles" {onclick} {onkeydown}>
                <title>{ summary }</title>
                <line class="axis" x1="0" x2={W.to_string()} y1="13" y2="13" />
                <path class="cycle s-success" d={ok_path} />
                <path class="cycle s-failure" d={failed_path} />
                { for highlight }
            </svg>
            <span class="visually-hidden" aria-live="polite">{ announced }</span>
        </div>
    }
}
