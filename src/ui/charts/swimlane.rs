//! One person across systems: a horizontal lane per system (HR first, then in flow order), a
//! shared time axis, a mark per event shaped and coloured by what it did and how it ended, and
//! a line from each upstream change to the downstream event that completed it (dashed to the
//! end of the data when it never arrived). A mark opens its event.

use yew::prelude::*;

use crate::core::lifecycle::view::Swimlane;
use crate::core::time::format_iso;

use super::activates;

#[derive(Properties, PartialEq)]
pub struct SwimlaneChartProps {
    pub swimlane: std::rc::Rc<Swimlane>,
    pub on_event: Callback<u32>,
}

const W: f64 = 1000.0;
const LEFT: f64 = 190.0;
const RIGHT: f64 = 24.0;
/// Space between the lane labels (or the right edge) and the first (or last) mark.
const PAD: f64 = 16.0;
/// Marks closer than this on one lane are moved up and down in turn, so that both show.
const CLOSE: f64 = 11.0;
const NUDGE: f64 = 8.0;
const TOP: f64 = 6.0;
const LANE: f64 = 46.0;
const AXIS: f64 = 34.0;
const TICKS: usize = 5;

/// The mark's outline for an operation, centred on (x, y): a circle for a create, a square for
/// an update, a triangle up for an enable, a diamond for a disable, a triangle down for a
/// delete.
pub fn mark_path(op: &str, x: f64, y: f64) -> String {
    match op {
        "create" => format!(
            "M{:.1} {y:.1}a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0 -13 0z",
            x - 6.5
        ),
        "update" => format!("M{:.1} {:.1}h10v10h-10z", x - 5.0, y - 5.0),
        "enable" => format!("M{x:.1} {:.1}l7 12h-14z", y - 7.0),
        "disable" => format!("M{x:.1} {:.1}l7.5 7.5l-7.5 7.5l-7.5 -7.5z", y - 7.5),
        _ => format!("M{:.1} {:.1}h14l-7 12z", x - 7.0, y - 5.0),
    }
}

/// The classes of a mark: the colour of its operation (the chart palette's action colours)
/// and its outcome (filled, hollow when failed, faded when skipped).
pub fn mark_class(op: &str, status: &str) -> String {
    let colour = match op {
        "create" | "enable" => "a-create",
        "update" => "a-update",
        "disable" => "a-disable",
        "delete" => "a-delete",
        _ => "a-stageddelete",
    };
    format!("mark {colour} o-{status}")
}

/// "11-05 23:55" from an ISO 8601 time.
fn tick_label(t: i64) -> String {
    let iso = format_iso(t);
    let date: String = iso.chars().skip(5).take(5).collect();
    let time: String = iso.chars().skip(11).take(5).collect();
    format!("{date} {time}")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[component]
pub fn SwimlaneChart(props: &SwimlaneChartProps) -> Html {
    let s = &props.swimlane;
    let span = (s.last_ms - s.first_ms).max(1) as f64;
    let (x0, x1) = (LEFT + PAD, W - RIGHT - PAD);
    let x_of = |t: i64| {
        if s.last_ms <= s.first_ms {
            (x0 + x1) / 2.0
        } else {
            x0 + (t - s.first_ms) as f64 / span * (x1 - x0)
        }
    };
    let y_of = |k: usize| TOP + LANE * k as f64 + LANE / 2.0;
    let h = TOP + LANE * s.lanes.len() as f64 + AXIS;
    let bottom = TOP + LANE * s.lanes.len() as f64;
    // Every timed entry's position, lane by lane (entries are in time order).
    let positions: Vec<Vec<(u32, f64, f64)>> = s
        .lanes
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let mut out: Vec<(u32, f64, f64)> = Vec::new();
            let mut up = true;
            for e in &l.entries {
                let Some(t) = e.time_ms else {
                    continue;
                };
                let x = x_of(t);
                let close = out.last().is_some_and(|(_, px, _)| x - px < CLOSE);
                let y = match close {
                    true => {
                        up = !up;
                        y_of(k) + if up { -NUDGE } else { NUDGE }
                    }
                    false => {
                        up = true;
                        y_of(k)
                    }
                };
                out.push((e.event, x, y));
            }
            out
        })
        .collect();
    // Where an event is drawn first (an HR event shows in the source lane and its target lane).
    let place = |event: u32, lane: Option<usize>| -> Option<(f64, f64)> {
        positions.iter().enumerate().find_map(|(k, marks)| {
            if lane.is_some_and(|want| want != k) {
                return None;
            }
            marks
                .iter()
                .find(|(e, _, _)| *e == event)
                .map(|(_, x, y)| (*x, *y))
        })
    };
    // Evenly spaced times; one in the middle when every event has the same time.
    let ticks = if s.last_ms > s.first_ms { TICKS } else { 1 };
    let ticks = (0..ticks).map(|i| {
        let t = s.first_ms + ((s.last_ms - s.first_ms) as f64 * i as f64 / (TICKS - 1) as f64) as i64;
        let x = x_of(t);
        let anchor = match i {
            _ if ticks == 1 => "middle",
            0 => "start",
            i if i == TICKS - 1 => "end",
            _ => "middle",
        };
        html! {
            <>
                <line class="grid-line" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={TOP.to_string()} y2={bottom.to_string()} />
                <text class="tick" x={format!("{x:.1}")} y={(bottom + 20.0).to_string()} text-anchor={anchor}>{ tick_label(t) }</text>
            </>
        }
    });

    // One line per upstream change and downstream event, drawn under the marks.
    let mut drawn: Vec<(u32, Option<u32>, u32)> = Vec::new();
    let mut lines = Vec::new();
    for m in &s.measures {
        let key = (m.upstream_event, m.downstream_event, m.lane);
        if drawn.contains(&key) {
            continue;
        }
        drawn.push(key);
        let lane = m.lane as usize;
        let to = match m.downstream_event {
            Some(d) => place(d, Some(lane)),
            None => Some((x_of(s.last_ms), y_of(lane))),
        };
        let (Some(from), Some(to)) = (place(m.upstream_event, None), to) else {
            continue;
        };
        let open = m.downstream_event.is_none();
        let class = classes!(
            "latency",
            m.over_sla.then_some("over"),
            open.then_some("open")
        );
        lines.push(html! {
            <g class={class}>
                <title>{ m.text.clone() }</title>
                <line x1={format!("{:.1}", from.0)} y1={format!("{:.1}", from.1)} x2={format!("{:.1}", to.0)} y2={format!("{:.1}", to.1)} />
                if open {
                    <circle class="open-end" cx={format!("{:.1}", to.0)} cy={format!("{:.1}", to.1)} r="4" />
                }
            </g>
        });
    }

    // Every other lane on a faint band, so that a mark is read against its lane.
    let bands = (1..s.lanes.len()).step_by(2).map(|k| html! {
        <rect class="lane-band" x="0" y={format!("{:.1}", TOP + LANE * k as f64)} width={W.to_string()} height={LANE.to_string()} />
    });
    let lanes = s.lanes.iter().enumerate().map(|(k, lane)| {
        let y = y_of(k);
        let timed = lane.entries.iter().filter(|e| e.time_ms.is_some()).count();
        let marks = lane.entries.iter().filter_map(|e| {
            let (x, y) = place(e.event, Some(k))?;
            let mut label = format!("{}: {} {} at {}", lane.system, e.op, e.status, e.time);
            if !e.error_code.is_empty() {
                label.push_str(&format!(" · {}", e.error_code));
            }
            label.push_str(&format!(" · event {}", e.event_id));
            let event = e.event;
            let onclick = props.on_event.reform(move |_: MouseEvent| event);
            let onkeydown = {
                let on_event = props.on_event.clone();
                Callback::from(move |k: KeyboardEvent| {
                    if activates(&k) {
                        k.prevent_default();
                        on_event.emit(event);
                    }
                })
            };
            Some(html! {
                <g class="swim-mark" role="button" tabindex="0" aria-label={label.clone()} data-testid="swimlane-marker"
                    data-op={e.op.clone()} data-status={e.status.clone()} {onclick} {onkeydown}>
                    <title>{ label }</title>
                    <path class={mark_class(&e.op, &e.status)} d={mark_path(&e.op, x, y)} />
                </g>
            })
        });
        html! {
            <g class="lane" role="group" aria-label={format!("{}, {}: {timed} events", lane.system, lane.state)} data-testid="swimlane-lane" data-system={lane.system.clone()}>
                <line class="lane-axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                <text class="lane-label" x="8" y={format!("{:.1}", y - 3.0)}>{ shorten(&lane.system, 24) }<title>{ lane.system.clone() }</title></text>
                <text class="lane-note" x="8" y={format!("{:.1}", y + 12.0)}>{ lane.state.clone() }</text>
                { for marks }
            </g>
        }
    });
    let events: usize = s.lanes.iter().map(|l| l.entries.len()).sum();
    let summary = format!(
        "Swimlane of {}: {} systems, {events} events from {} to {}. Each mark is an event; Enter opens it.",
        s.name,
        s.lanes.len(),
        format_iso(s.first_ms),
        format_iso(s.last_ms)
    );
    html! {
        <svg class="chart swimlane" viewBox={format!("0 0 {W} {h:.0}")} role="group" aria-label={summary} data-testid="swimlane">
            { for bands }
            { for ticks }
            { for lines }
            { for lanes }
        </svg>
    }
}
