//! The loaded data set: navigation between the views, the search, the active filters, the
//! exports, the current view and the files. Views change the URL; the URL drives the views.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::analyze::query::Facet;
use crate::core::filters::{self, chart_by_action, chips, sort_of, view_key, Chip, VIEWS};
use crate::core::lifecycle::view::{LifecycleOverview, PersonMatches, Swimlane};
use crate::core::report::Summary;
use crate::core::session::{RowWindow, ViewData};
use crate::core::url::Location;
use crate::core::view::{Column, EventDetail};
use crate::ui::components::export_bar::{ExportBar, ExportChoice};
use crate::worker::protocol::FileRef;

use super::dashboard::Dashboard;
use super::detail_drawer::DetailDrawer;
use super::drop_zone::DropZone;
use super::errors_view::ErrorsView;
use super::explorer::Explorer;
use super::file_chips::FileChips;
use super::filter_chips::FilterChips;
use super::findings_view::FindingsView;
use super::identity_view::IdentityView;
use super::kpi_tiles::Kpis;
use super::lifecycle_view::LifecycleView;
use super::search_box::SearchBox;

#[derive(Properties, PartialEq)]
pub struct WorkspaceProps {
    pub summary: Rc<Summary>,
    pub view: Option<Rc<ViewData>>,
    pub window: Option<Rc<RowWindow>>,
    pub detail: Option<Rc<EventDetail>>,
    /// The findings for the thresholds in the URL (`None` until they arrive).
    pub findings: Option<Rc<Vec<crate::core::session::FindingItem>>>,
    /// The worker's wasm memory after the load (its peak), in bytes.
    pub memory_bytes: Option<u64>,
    /// An export is being made.
    pub exporting: bool,
    /// The lifecycle overview, the last swimlane answer and the last person search.
    pub lifecycle: Option<Rc<LifecycleOverview>>,
    pub swimlane: Option<(u32, Option<Rc<Swimlane>>)>,
    pub persons: Option<Rc<PersonMatches>>,
    /// Searches persons across systems.
    pub on_find_persons: Callback<String>,
    pub location: Location,
    pub on_navigate: Callback<Location>,
    pub on_rows: Callback<(u32, u32)>,
    pub on_open: Callback<u32>,
    pub on_close: Callback<()>,
    /// CSV, JSON or the audit report of the filtered events, optionally pseudonymized.
    pub on_export: Callback<ExportChoice>,
    /// Files that replace the data set.
    pub on_replace: Callback<Vec<FileRef>>,
    /// Files that join the data set.
    pub on_add: Callback<Vec<FileRef>>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn Workspace(props: &WorkspaceProps) -> Html {
    let s = &props.summary;
    let loc = &props.location;
    let active = view_key(loc).to_string();
    // Every change is a new location built from the current one.
    let edit = |f: Rc<dyn Fn(&mut Location)>| {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        move || {
            let mut next = loc.clone();
            f(&mut next);
            nav.emit(next);
        }
    };
    let on_toggle = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |(facet, value): (Facet, String)| {
            let mut next = loc.clone();
            filters::toggle(&mut next.filter, facet, &value);
            nav.emit(next);
        })
    };
    let on_remove = on_toggle.reform(|c: Chip| (c.facet, c.value));
    let on_clear = {
        let go = edit(Rc::new(|l: &mut Location| l.filter = Default::default()));
        Callback::from(move |()| go())
    };
    let on_range = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |(from, to): (i64, i64)| {
            let mut next = loc.clone();
            next.filter.from_ms = Some(from);
            next.filter.to_ms = Some(to);
            nav.emit(next);
        })
    };
    let on_search = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |text: String| {
            let mut next = loc.clone();
            next.filter.text = text.trim().to_string();
            if next != loc {
                nav.emit(next);
            }
        })
    };
    let on_identity = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |text: String| {
            let mut next = loc.clone();
            next.view = "identity".into();
            next.identity = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            nav.emit(next);
        })
    };
    let on_sort = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |c: Column| {
            let mut next = loc.clone();
            filters::set_sort(&mut next, filters::next_sort(sort_of(&loc), c));
            nav.emit(next);
        })
    };
    let on_chart_mode = {
        let loc = loc.clone();
        let nav = props.on_navigate.clone();
        Callback::from(move |by_action: bool| {
            let mut next = loc.clone();
            filters::set_extra(&mut next, "by", by_action.then(|| "action".to_string()));
            nav.emit(next);
        })
    };
    let nav = VIEWS.iter().map(|(key, label)| {
        let key: &'static str = key;
        let go = edit(Rc::new(move |l: &mut Location| l.view = key.to_string()));
        let onclick = Callback::from(move |_: MouseEvent| go());
        let current = active == key;
        html! {
            <button class={classes!("nav-item", current.then_some("on"))} data-testid={format!("nav-{key}")}
                aria-current={if current { Some("page") } else { None }} {onclick}>{ *label }</button>
        }
    });
    let fallback = Kpis {
        events: s.events,
        by_status: s.by_status.clone(),
        success_rate: s.success_rate,
        identities: s.identities,
        jobs: s.jobs.len() as u64,
        first: s.time_range.first.clone(),
        last: s.time_range.last.clone(),
    };
    let content = match active.as_str() {
        "explorer" => html! {
            <Explorer view={props.view.clone()} window={props.window.clone()} filter={loc.filter.clone()}
                sort={sort_of(loc)} on_toggle={on_toggle.clone()} on_sort={on_sort}
                on_need={props.on_rows.clone()} on_open={props.on_open.clone()} />
        },
        "identity" => {
            let mut suggestions: Vec<String> = Vec::new();
            for r in props.window.iter().flat_map(|w| w.rows.iter()) {
                if !r.identity.is_empty()
                    && !suggestions.contains(&r.identity)
                    && suggestions.len() < 12
                {
                    suggestions.push(r.identity.clone());
                }
            }
            html! {
                <IdentityView view={props.view.clone()} query={loc.identity.clone()} suggestions={suggestions}
                    on_search={on_identity} on_open={props.on_open.clone()} />
            }
        }
        "findings" => {
            let on_select = {
                let loc = loc.clone();
                let nav = props.on_navigate.clone();
                Callback::from(move |key: String| {
                    let mut next = loc.clone();
                    next.filter = Default::default();
                    next.filter.finding = Some(key);
                    next.view = "explorer".into();
                    nav.emit(next);
                })
            };
            let on_threshold = {
                let loc = loc.clone();
                let nav = props.on_navigate.clone();
                Callback::from(move |(key, value): (String, String)| {
                    let mut next = loc.clone();
                    let value = value.trim().to_string();
                    filters::set_extra(&mut next, &key, (!value.is_empty()).then_some(value));
                    // Findings are numbered per thresholds: a finding filter would point elsewhere.
                    next.filter.finding = None;
                    nav.emit(next);
                })
            };
            let thresholds: Vec<(String, String)> = filters::THRESHOLDS
                .iter()
                .filter_map(|(k, _)| filters::threshold(loc, k).map(|v| (k.to_string(), v)))
                .collect();
            html! {
                <FindingsView findings={props.findings.clone()} selected={loc.filter.finding.clone()}
                    thresholds={thresholds} on_select={on_select} on_threshold={on_threshold}
                    config={filters::findings_config(loc)} />
            }
        }
        "lifecycle" => {
            let on_person = {
                let loc = loc.clone();
                let nav = props.on_navigate.clone();
                Callback::from(move |person: Option<u32>| {
                    let mut next = loc.clone();
                    next.view = "lifecycle".into();
                    filters::set_person(&mut next, person);
                    nav.emit(next);
                })
            };
            let on_findings = {
                let go = edit(Rc::new(|l: &mut Location| l.view = "findings".to_string()));
                Callback::from(move |()| go())
            };
            html! {
                <LifecycleView overview={props.lifecycle.clone()} person={filters::person_of(loc)} on_findings={on_findings}
                    swimlane={props.swimlane.clone()} persons={props.persons.clone()} on_person={on_person}
                    on_find={props.on_find_persons.clone()} on_open={props.on_open.clone()} />
            }
        }
        "errors" => html! {
            <ErrorsView view={props.view.clone()} filter={loc.filter.clone()} on_toggle={on_toggle.clone()} />
        },
        _ => {
            let to_findings = {
                let go = edit(Rc::new(|l: &mut Location| l.view = "findings".to_string()));
                Callback::from(move |_: MouseEvent| go())
            };
            let banner = props.findings.as_ref().map(|items| {
                let count = |s: &str| items.iter().filter(|i| i.finding.severity.as_str() == s).count();
                let high = count("high");
                // Only the severities present: "29 findings: 21 low, 8 info."
                let by_severity: Vec<String> = ["high", "medium", "low", "info"]
                    .into_iter()
                    .map(|s| (count(s), s))
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, s)| format!("{n} {s}"))
                    .collect();
                let text = match items.len() {
                    0 => "No findings. ".to_string(),
                    1 => format!("1 finding: {}. ", by_severity.join(", ")),
                    n => format!("{n} findings: {}. ", by_severity.join(", ")),
                };
                html! {
                    <p class={classes!("notice", "findings-banner", (high > 0).then_some("alert"))} data-testid="dashboard-findings">
                        { text }
                        <button class="link" onclick={to_findings}>{"Open the findings"}</button>
                    </p>
                }
            });
            html! {
                <>
                    { for banner }
                    <Dashboard view={props.view.clone()} fallback={fallback} filter={loc.filter.clone()}
                        by_action={chart_by_action(loc)} on_toggle={on_toggle.clone()} on_range={on_range}
                        on_chart_mode={on_chart_mode} />
                </>
            }
        }
    };
    let on_add_picked = {
        let on_add = props.on_add.clone();
        Callback::from(move |e: Event| on_add.emit(crate::ui::browser::picked_files(&e)))
    };
    let on_reset = props.on_reset.reform(|_: MouseEvent| ());
    html! {
        <section class="summary workspace" data-testid="summary">
            { for s.files.iter().filter_map(|f| f.refused.as_ref()).map(|m| html! {
                <p class="notice refused" role="alert" data-testid="refused">{ m.clone() }</p>
            }) }
            <div class="toolbar">
                <nav class="nav" aria-label="Views">{ for nav }</nav>
                <SearchBox value={loc.filter.text.clone()} on_search={on_search} id="search"
                    label="Search all events" placeholder="Search events (press /)" testid="search" />
                <ExportBar on_export={props.on_export.clone()} busy={props.exporting} />
            </div>
            <FilterChips chips={chips(&loc.filter)} on_remove={on_remove} on_clear={on_clear} />
            <div class="view" data-view={active.clone()}>{ content }</div>
            if let Some(d) = &props.detail {
                <DetailDrawer key={d.row.event} detail={d.clone()} on_close={props.on_close.clone()} />
            }
            <section class="card files-card">
                <div class="card-head">
                    <h2>{"Files"}</h2>
                    <span class="muted small">
                        { format!("{} events · {} duplicates kept once · {} records rejected", s.events, s.duplicates, s.rejected) }
                    </span>
                    if let Some(bytes) = props.memory_bytes {
                        <span class="muted small" data-testid="memory" data-bytes={bytes.to_string()}
                            title="The analysis keeps the data set in this browser tab's memory; it is freed when the tab closes.">
                            { format!("{} of memory", super::loading_view::bytes(bytes)) }
                        </span>
                    }
                </div>
                <FileChips files={s.files.clone()} issues={s.issues.clone()} />
                <div class="more">
                    <DropZone
                        on_files={props.on_replace.clone()}
                        label="Drop other exports here to analyze them instead"
                        pick_label="Open other files…"
                        compact=true
                    />
                    <div class="more-actions">
                        <label class="button">
                            {"Add files…"}
                            <input type="file" multiple=true class="visually-hidden" data-testid="add-input" onchange={on_add_picked} />
                        </label>
                        <button class="button ghost" data-testid="reset" onclick={on_reset}>{"Close data set"}</button>
                    </div>
                </div>
            </section>
        </section>
    }
}
