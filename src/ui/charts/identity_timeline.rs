//! An identity's events across jobs: one lane per job and target, a point per event coloured
//! by its status; a point opens the event.

use yew::prelude::*;

use crate::core::session::IdentityView;

use super::activates;

#[derive(Properties, PartialEq)]
pub struct IdentityTimelineProps {
    pub view: IdentityView,
    pub on_event: Callback<u32>,
}

#[component]
pub fn IdentityTimeline(props: &IdentityTimelineProps) -> Html {
    const W: f64 = 1000.0;
    const LANE: f64 = 34.0;
    const LEFT: f64 = 320.0;
    const RIGHT: f64 = 12.0;
    let v = &props.view;
    let h = LANE * v.lanes.len() as f64 + 24.0;
    let span = (v.last_ms - v.first_ms).max(1) as f64;
    let x_of = |t: i64| LEFT + (t - v.first_ms) as f64 / span * (W - LEFT - RIGHT);
    let points: usize = v.lanes.iter().map(|l| l.points.len()).sum();
    let summary = format!(
        "{points} events in {} lanes from {} to {}",
        v.lanes.len(),
        v.first,
        v.last
    );
    let lanes = v.lanes.iter().enumerate().map(|(k, lane)| {
        let y = LANE * k as f64 + LANE / 2.0;
        let dots = lane.points.iter().map(|p| {
            let onclick = props.on_event.reform({
                let e = p.event;
                move |_: MouseEvent| e
            });
            let onkeydown = {
                let e = p.event;
                let on_event = props.on_event.clone();
                Callback::from(move |k: KeyboardEvent| {
                    if activates(&k) {
                        k.prevent_default();
                        on_event.emit(e);
                    }
                })
            };
            html! {
                <g role="button" tabindex="0" aria-label={p.label.clone()} data-testid="identity-point" {onclick} {onkeydown}>
                    <title>{ p.label.clone() }</title>
                    <circle class={format!("dot s-{}", p.status)} cx={format!("{:.1}", x_of(p.time_ms))} cy={format!("{y:.1}")} r="6" />
                </g>
            }
        });
        html! {
            <>
                <line class="grid-line" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text class="lane-label" x="0" y={(y + 4.0).to_string()}>{ shorten(&lane.label, 40) }<title>{ lane.label.clone() }</title></text>
                { for dots }
            </>
        }
    });
    html! {
        <svg class="chart identity-timeline" viewBox={format!("0 0 {W} {h}")} role="group" aria-label="Identity timeline" data-testid="identity-timeline">
            <g role="img" aria-label={summary}>
                <text class="tick" x={LEFT.to_string()} y={(h - 6.0).to_string()}>{ v.first.clone() }</text>
                <text class="tick" x={(W - RIGHT).to_string()} y={(h - 6.0).to_string()} text-anchor="end">{ v.last.clone() }</text>
            </g>
            { for lanes }
        </svg>
    }
}

/// A long lane label cut to `max` characters with an ellipsis (the full one is its title).
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}
