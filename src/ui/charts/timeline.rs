//! Events over time as stacked bars (by status or by action). Dragging across the chart
//! selects a time range (a brush); a click, or Enter on a focused bar, selects one bucket.

use yew::prelude::*;

use crate::core::analyze::overview::TimeBucket;
use crate::core::model::{Action, Status};
use crate::ui::browser;

use super::activates;

#[derive(Properties, PartialEq)]
pub struct TimelineChartProps {
    pub buckets: Vec<TimeBucket>,
    /// A label per bucket (its start).
    pub labels: Vec<String>,
    pub bucket_ms: i64,
    pub by_action: bool,
    /// A time range was chosen: start (inclusive) and end (exclusive), in ms.
    pub on_range: Callback<(i64, i64)>,
}

const W: f64 = 1000.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// A series: its CSS class and label.
fn series(by_action: bool) -> Vec<(String, &'static str)> {
    if by_action {
        Action::ALL
            .iter()
            .map(|a| (format!("a-{}", a.as_str().to_lowercase()), a.label()))
            .collect()
    } else {
        Status::ALL
            .iter()
            .map(|s| (format!("s-{}", s.as_str()), s.label()))
            .collect()
    }
}

fn counts(b: &TimeBucket, by_action: bool) -> Vec<u64> {
    if by_action {
        b.by_action.to_vec()
    } else {
        b.by_status.to_vec()
    }
}

#[component]
pub fn TimelineChart(props: &TimelineChartProps) -> Html {
    let svg = use_node_ref();
    // The brush: where the drag started and where the pointer is, as fractions of the width.
    let drag = use_state(|| None::<(f64, f64)>);
    let n = props.buckets.len();
    if n == 0 {
        return html! { <p class="muted empty">{"No event in this selection carries a time."}</p> };
    }
    let plot_w = W - LEFT;
    let bar_w = plot_w / n as f64;
    let totals: Vec<u64> = props
        .buckets
        .iter()
        .map(|b| counts(b, props.by_action).iter().sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let scale = (H - BOTTOM - TOP) / max as f64;
    let names = series(props.by_action);

    let bucket_at = {
        let n = n as f64;
        move |frac: f64| -> usize {
            let x = frac * W;
            (((x - LEFT) / plot_w) * n).floor().clamp(0.0, n - 1.0) as usize
        }
    };
    let range_of = {
        let buckets = props.buckets.clone();
        let bucket_ms = props.bucket_ms;
        move |a: usize, b: usize| -> Option<(i64, i64)> {
            let first = buckets.get(a.min(b))?;
            let last = buckets.get(a.max(b))?;
            Some((first.start_ms, last.start_ms + bucket_ms))
        }
    };

    let onmousedown = {
        let drag = drag.clone();
        let svg = svg.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 {
                if let Some(f) = browser::fraction_across(&svg, e.client_x()) {
                    e.prevent_default();
                    drag.set(Some((f, f)));
                }
            }
        })
    };
    let onmousemove = {
        let drag = drag.clone();
        let svg = svg.clone();
        Callback::from(move |e: MouseEvent| {
            if let (Some((start, _)), Some(f)) =
                (*drag, browser::fraction_across(&svg, e.client_x()))
            {
                drag.set(Some((start, f)));
            }
        })
    };
    let onmouseup = {
        let drag = drag.clone();
        let svg = svg.clone();
        let on_range = props.on_range.clone();
        let range_of = range_of.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((start, _)) = *drag else {
                return;
            };
            drag.set(None);
            let end = browser::fraction_across(&svg, e.client_x()).unwrap_or(start);
            // A drag selects every bucket it crosses; a click (no real movement) one bucket.
            let (a, b) = if (end - start).abs() * W < 4.0 {
                (bucket_at(start), bucket_at(start))
            } else {
                (bucket_at(start), bucket_at(end))
            };
            if let Some(r) = range_of(a, b) {
                on_range.emit(r);
            }
        })
    };
    let onmouseleave = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| drag.set(None))
    };

    let bars = props.buckets.iter().enumerate().map(|(i, b)| {
        let x = LEFT + i as f64 * bar_w;
        let mut y = H - BOTTOM;
        let values = counts(b, props.by_action);
        let label = props.labels.get(i).cloned().unwrap_or_default();
        let detail: Vec<String> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| **v > 0)
            .map(|((_, name), v)| format!("{name} {v}"))
            .collect();
        let title = format!("{label}: {} events ({})", totals[i], detail.join(", "));
        let rects = names.iter().zip(values).filter(|(_, v)| *v > 0).map(|((class, _), v)| {
            let h = v as f64 * scale;
            y -= h;
            // A few buckets would make slabs; bars stay at most 48 units wide, centred.
            let w = (bar_w * 0.8).clamp(1.0, 48.0);
            html! {
                <rect class={class.clone()} x={format!("{:.2}", x + (bar_w - w) / 2.0)} y={format!("{y:.2}")}
                    width={format!("{w:.2}")} height={format!("{h:.2}")} />
            }
        }).collect::<Html>();
        let onkeydown = {
            let on_range = props.on_range.clone();
            let range_of = range_of.clone();
            Callback::from(move |e: KeyboardEvent| {
                if activates(&e) {
                    e.prevent_default();
                    if let Some(r) = range_of(i, i) {
                        on_range.emit(r);
                    }
                }
            })
        };
        html! {
            <g class="bar" role="button" tabindex="0" aria-label={title.clone()} data-testid="timeline-bar" data-index={i.to_string()} {onkeydown}>
                <title>{ title }</title>
                // A transparent full-height target makes thin bars easy to hit.
                <rect class="hit" x={format!("{x:.2}")} y={TOP.to_string()} width={format!("{bar_w:.2}")} height={format!("{:.2}", H - BOTTOM - TOP)} />
                { rects }
            </g>
        }
    });
    let brush = drag.and_then(|(a, b)| {
        ((a - b).abs() * W >= 4.0).then(|| {
            let x = a.min(b) * W;
            let w = (a - b).abs() * W;
            html! { <rect class="brush" x={format!("{x:.1}")} y={TOP.to_string()} width={format!("{w:.1}")} height={format!("{:.1}", H - BOTTOM - TOP)} /> }
        })
    });
    let first = props.labels.first().cloned().unwrap_or_default();
    let last = props.labels.last().cloned().unwrap_or_default();
    let peak = totals
        .iter()
        .enumerate()
        .max_by_key(|(_, v)| **v)
        .map(|(i, v)| {
            format!(
                "; busiest {}: {v} events",
                props.labels.get(i).cloned().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let summary = format!(
        "Events over time by {}, {n} bars from {first} to {last}{peak}",
        if props.by_action { "action" } else { "status" }
    );
    html! {
        <div class="chart-wrap">
            <svg ref={svg} class="chart timeline" viewBox={format!("0 0 {W} {H}")} role="group"
                aria-label="Events over time: drag across to select a time range, or pick a bar"
                data-testid="timeline-chart" {onmousedown} {onmousemove} {onmouseup} {onmouseleave}>
                <g role="img" aria-label={summary}>
                    <line class="axis" x1={LEFT.to_string()} x2={W.to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
                    <line class="grid-line" x1={LEFT.to_string()} x2={W.to_string()} y1={TOP.to_string()} y2={TOP.to_string()} />
                    <text class="tick" x={(LEFT - 6.0).to_string()} y={(TOP + 10.0).to_string()} text-anchor="end">{ max.to_string() }</text>
                    <text class="tick" x={(LEFT - 6.0).to_string()} y={(H - BOTTOM).to_string()} text-anchor="end">{"0"}</text>
                    <text class="tick" x={LEFT.to_string()} y={(H - 6.0).to_string()}>{ first.clone() }</text>
                    <text class="tick" x={W.to_string()} y={(H - 6.0).to_string()} text-anchor="end">{ last.clone() }</text>
                </g>
                { for bars }
                { for brush }
            </svg>
            <ul class="legend" aria-label="Legend">
                { for names.iter().map(|(class, name)| html! {
                    <li><span class={classes!("swatch", class.clone())} aria-hidden="true"></span>{ *name }</li>
                }) }
            </ul>
        </div>
    }
}
