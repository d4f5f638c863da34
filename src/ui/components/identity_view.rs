//! One identity across jobs: search by name, UPN or id; a timeline with a lane per job and
//! target; its current state per target; its attribute history.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::session::ViewData;
use crate::ui::charts::identity_timeline::IdentityTimeline;

use super::search_box::SearchBox;

#[derive(Properties, PartialEq)]
pub struct IdentityViewProps {
    pub view: Option<Rc<ViewData>>,
    /// The identity asked for (from the URL).
    pub query: Option<String>,
    /// Identities to offer when none is chosen (from the explorer's first rows).
    pub suggestions: Vec<String>,
    pub on_search: Callback<String>,
    pub on_open: Callback<u32>,
}

#[component]
pub fn IdentityView(props: &IdentityViewProps) -> Html {
    let query = props.query.clone().unwrap_or_default();
    let report = props.view.as_ref().and_then(|v| v.identity.as_ref());
    let body = match (report, query.is_empty()) {
        (_, true) => html! {
            <section class="card">
                <p class="muted">{"Type a display name, user principal name or object id, then press Enter."}</p>
                if !props.suggestions.is_empty() {
                    <p class="muted small">{"Or pick one of the identities in the current selection:"}</p>
                    <ul class="suggestions">
                        { for props.suggestions.iter().map(|s| {
                            let onclick = { let s = s.clone(); props.on_search.reform(move |_: MouseEvent| s.clone()) };
                            html! { <li><button class="chip" data-testid="identity-suggestion" {onclick}>{ s.clone() }</button></li> }
                        }) }
                    </ul>
                }
            </section>
        },
        (None, false) => html! { <p class="muted">{"Looking up…"}</p> },
        (Some(id), false) if id.report.events.is_empty() => html! {
            <section class="card" data-testid="identity-empty">
                <p>{ format!("No event in the loaded files concerns “{query}”.") }</p>
                <p class="muted small">{"Identities are matched by exact object id, user principal name or display name (any case)."}</p>
            </section>
        },
        (Some(id), false) => {
            let r = &id.report;
            html! {
                <>
                    <section class="card" data-testid="identity-report">
                        <div class="card-head">
                            <h2>{ r.display_names.first().cloned().unwrap_or_else(|| query.clone()) }</h2>
                            <span class="muted small">{ format!("{} events in {} lanes", r.events.len(), id.lanes.len()) }</span>
                        </div>
                        <dl class="kv compact">
                            <dt>{"Names"}</dt><dd>{ r.display_names.join(", ") }</dd>
                            <dt>{"UPNs"}</dt><dd>{ r.upns.join(", ") }</dd>
                            <dt>{"Ids"}</dt><dd class="mono small">{ r.ids.join(", ") }</dd>
                        </dl>
                        <h3>{"Timeline across jobs"}</h3>
                        <p class="muted small hint">{"One lane per job and target; click a point to open the event."}</p>
                        <IdentityTimeline view={id.clone()} on_event={props.on_open.clone()} />
                    </section>
                    <section class="card">
                        <h2>{"Current state per target"}</h2>
                        <div class="table-scroll">
                            <table class="table" data-testid="identity-targets">
                                <thead><tr>
                                    <th scope="col">{"Job"}</th><th scope="col">{"Target"}</th><th scope="col">{"Last event"}</th>
                                    <th scope="col">{"Last action"}</th><th scope="col">{"Status"}</th>
                                    <th scope="col">{"Last successful action"}</th><th scope="col">{"Target id"}</th>
                                </tr></thead>
                                <tbody>
                                    { for r.targets.iter().map(|t| html! {
                                        <tr>
                                            <td class="small mono">{ t.job_id.clone() }</td>
                                            <td>{ t.target_system.clone() }</td>
                                            <td class="small">{ t.last_time.clone().unwrap_or_default() }</td>
                                            <td>{ t.last_action.clone() }</td>
                                            <td><span class={classes!("pill", format!("st-{}", t.last_status))}>{ t.last_status.clone() }</span></td>
                                            <td>{ t.last_success_action.clone().unwrap_or_else(|| "–".into()) }</td>
                                            <td class="small mono">{ t.target_id.clone() }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    </section>
                    <section class="card">
                        <h2>{"Attribute history"}</h2>
                        if r.attributes.is_empty() {
                            <p class="muted empty">{"No attribute change was logged for this identity."}</p>
                        } else {
                            <div class="table-scroll">
                                <table class="table" data-testid="identity-attributes">
                                    <thead><tr>
                                        <th scope="col">{"Attribute"}</th><th scope="col">{"When"}</th><th scope="col">{"Job"}</th>
                                        <th scope="col">{"Old value"}</th><th scope="col">{"New value"}</th><th scope="col">{"Status"}</th>
                                    </tr></thead>
                                    <tbody>
                                        { for r.attributes.iter().flat_map(|(name, steps)| steps.iter().map(move |s| html! {
                                            <tr>
                                                <td>{ name.clone() }</td>
                                                <td class="small">{ s.time.clone().unwrap_or_default() }</td>
                                                <td class="small mono">{ s.job_id.clone() }</td>
                                                <td class="old">{ s.old.clone() }</td>
                                                <td class="new">{ format!("→ {}", s.new) }</td>
                                                <td><span class={classes!("pill", format!("st-{}", s.status))}>{ s.status.clone() }</span></td>
                                            </tr>
                                        })) }
                                    </tbody>
                                </table>
                            </div>
                        }
                    </section>
                </>
            }
        }
    };
    html! {
        <div class="identity-view" data-testid="identity-view">
            <SearchBox value={query.clone()} on_search={props.on_search.clone()} id="identity-search"
                label="Find an identity" placeholder="Name, UPN or object id, then Enter" debounce_ms={0} testid="identity-search" />
            { body }
        </div>
    }
}
