//! Errors grouped by code: the knowledge base's explanation, fix and retry behaviour, how many
//! events and identities, first and last seen, and a trend over the timeline.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::analyze::query::{Facet, Filter};
use crate::core::filters::is_selected;
use crate::core::session::ViewData;
use crate::ui::charts::sparkline::Sparkline;

#[derive(Properties, PartialEq)]
pub struct ErrorsViewProps {
    pub view: Option<Rc<ViewData>>,
    pub filter: Filter,
    pub on_toggle: Callback<(Facet, String)>,
}

#[component]
pub fn ErrorsView(props: &ErrorsViewProps) -> Html {
    let Some(v) = &props.view else {
        return html! { <p class="muted">{"Analyzing…"}</p> };
    };
    let errors = &v.overview.errors;
    if errors.is_empty() {
        return html! {
            <section class="card" data-testid="errors-view">
                <h2>{"Errors"}</h2>
                <p class="muted empty">{"No event in this selection logged an error."}</p>
            </section>
        };
    }
    html! {
        <div class="errors-view" data-testid="errors-view">
            { for errors.iter().map(|e| {
                let trend = v.error_trends.iter().find(|t| t.code == e.code);
                let selected = is_selected(&props.filter, Facet::ErrorCode, &e.code);
                let onclick = {
                    let code = e.code.clone();
                    props.on_toggle.reform(move |_: MouseEvent| (Facet::ErrorCode, code.clone()))
                };
                let code = if e.code.is_empty() { "(no code)".to_string() } else { e.code.clone() };
                html! {
                    <section class={classes!("card", "error-group", selected.then_some("selected"))} data-testid="error-group">
                        <div class="card-head">
                            <h2><code>{ code.clone() }</code>
                                if !e.title.is_empty() { <span class="error-title">{ format!(" · {}", e.title) }</span> }
                            </h2>
                            <button class="button small" aria-pressed={selected.to_string()} {onclick}>
                                { if selected { "Remove filter" } else { "Filter by this code" } }
                            </button>
                        </div>
                        <div class="error-stats">
                            <div><span class="kpi-label">{"Events"}</span><strong>{ e.count.to_string() }</strong></div>
                            <div><span class="kpi-label">{"Identities"}</span><strong>{ e.identities.to_string() }</strong></div>
                            <div><span class="kpi-label">{"First seen"}</span><span class="small">{ e.first.clone().unwrap_or_default() }</span></div>
                            <div><span class="kpi-label">{"Last seen"}</span><span class="small">{ e.last.clone().unwrap_or_default() }</span></div>
                            <div class="trend">
                                <span class="kpi-label">{"Trend"}</span>
                                if let Some(t) = trend {
                                    <Sparkline counts={t.counts.clone()} label={format!("{code}: {} events over {} periods", e.count, t.counts.len())} />
                                }
                            </div>
                        </div>
                        if e.explanation.is_empty() {
                            <p class="muted">{"Not in the built-in knowledge base. Logged reason: "}{ e.reason.clone() }</p>
                        } else {
                            <p>{ e.explanation.clone() }</p>
                            <p><strong>{"Fix: "}</strong>{ e.fix.clone() }</p>
                            <p class="muted small">{ format!("Retries: {}", e.retries) }
                                { if e.category.is_empty() { String::new() } else { format!(" · category: {}", e.category) } }
                            </p>
                            if !e.reason.is_empty() {
                                <details><summary>{"Logged reason (one example)"}</summary><p class="logged">{ e.reason.clone() }</p></details>
                            }
                        }
                    </section>
                }
            }) }
        </div>
    }
}
