//! A small trend line (an error code's events per timeline bucket).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SparklineProps {
    pub counts: Vec<u64>,
    /// What the line shows, read by screen readers.
    pub label: AttrValue,
}

#[component]
pub fn Sparkline(props: &SparklineProps) -> Html {
    const W: f64 = 120.0;
    const H: f64 = 28.0;
    let n = props.counts.len();
    let max = props.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if n > 1 { W / (n - 1) as f64 } else { W };
    let points: String = props
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{:.1},{:.1} ",
                i as f64 * step,
                H - 2.0 - (*c as f64 / max) * (H - 4.0)
            )
        })
        .collect();
    html! {
        <svg class="sparkline" viewBox={format!("0 0 {W} {H}")} role="img" aria-label={props.label.clone()} preserveAspectRatio="none">
            <title>{ props.label.clone() }</title>
            <polyline points={points} />
        </svg>
    }
}
