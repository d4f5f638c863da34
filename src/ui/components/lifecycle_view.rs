//! Each person followed from HR to every app: joiner and leaver latencies per system against
//! the SLAs, orphaned access, the slowest joiners and leavers, joiners never created, movers
//! whose change stopped and ambiguous links; a person search; and a person's swimlane with its
//! changes, its joins and every event as a table.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::lifecycle::view::{
    LatencyRow, LifecycleOverview, PersonMatches, PersonRow, Swimlane,
};
use crate::core::time::format_duration_ms as dur;
use crate::ui::browser;
use crate::ui::charts::swimlane::{mark_class, mark_path, SwimlaneChart};

use super::search_box::SearchBox;

#[derive(Properties, PartialEq)]
pub struct LifecycleViewProps {
    /// `None` until the analysis arrives.
    pub overview: Option<Rc<LifecycleOverview>>,
    /// The person in the URL.
    pub person: Option<u32>,
    /// The last swimlane answer: the person asked for, and the swimlane if there is one.
    pub swimlane: Option<(u32, Option<Rc<Swimlane>>)>,
    pub persons: Option<Rc<PersonMatches>>,
    /// Opens a person's swimlane (`None` closes it).
    pub on_person: Callback<Option<u32>>,
    pub on_find: Callback<String>,
    /// Opens an event in the detail drawer.
    pub on_open: Callback<u32>,
    /// Shows the findings view (where each SLA breach is listed with its evidence).
    pub on_findings: Callback<()>,
}

fn person_button(on_person: &Callback<Option<u32>>, person: u32, name: &str) -> Html {
    let onclick = on_person.reform(move |_: MouseEvent| Some(person));
    let name = if name.is_empty() { "(no name)" } else { name };
    html! {
        <button class="link" data-testid="lifecycle-person" data-person={person.to_string()} {onclick}>{ name.to_string() }</button>
    }
}

/// "2026-11-02 18:13" from an ISO 8601 time (UTC), for narrow columns.
fn short_time(iso: &str) -> String {
    iso.chars()
        .take(16)
        .map(|c| if c == 'T' { ' ' } else { c })
        .collect()
}

fn latency_table(caption: &str, rows: &[LatencyRow], sla_ms: i64, testid: &'static str) -> Html {
    if rows.is_empty() {
        return html! { <p class="muted empty">{ format!("{caption}: none was followed downstream in these exports.") }</p> };
    }
    let cell = |ms: i64| {
        let over = ms > sla_ms;
        html! {
            <td class={classes!("num", "nowrap", over.then_some("over"))}>
                { dur(ms) }
                if over { <span class="visually-hidden">{" (over the SLA)"}</span> }
            </td>
        }
    };
    let count =
        |n: u32| html! { <td class={classes!("num", (n > 0).then_some("over"))}>{ n }</td> };
    html! {
        <div class="table-scroll">
            <table class="table latency-table">
                <caption>{ format!("{caption} · SLA {}", dur(sla_ms)) }</caption>
                <thead><tr>
                    <th scope="col">{"System"}</th><th scope="col" class="num">{"Done"}</th>
                    <th scope="col" class="num">{"Median"}</th><th scope="col" class="num">{"p90"}</th>
                    <th scope="col" class="num">{"Max"}</th><th scope="col" class="num">{"Over SLA"}</th>
                    <th scope="col" class="num">{"Not arrived"}</th>
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr data-testid={testid} data-system={r.system.clone()}>
                            <th scope="row" title={r.system.clone()}><span class="clamp">{ r.system.clone() }</span></th>
                            <td class="num">{ r.count }</td>
                            { cell(r.median_ms) }{ cell(r.p90_ms) }{ cell(r.max_ms) }
                            { count(r.over_sla) }{ count(r.open) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// One list of persons: a card with its title, the rows (a person opens their swimlane), how
/// many there are in all, and why it is empty when it is.
struct PersonList<'a> {
    title: String,
    /// The test ids of the card and of its rows.
    id: &'static str,
    testid: &'static str,
    rows: &'a [PersonRow],
    total: u32,
    /// The header of the system column and of the duration column.
    system: &'static str,
    duration: &'static str,
    empty: String,
}

fn person_list(list: PersonList, on_person: &Callback<Option<u32>>) -> Html {
    let notes = list.rows.iter().any(|r| !r.note.is_empty());
    let body = if list.rows.is_empty() {
        html! { <p class="muted empty">{ list.empty }</p> }
    } else {
        html! {
            // A long list scrolls within its card; the keyboard reaches it too.
            <div class="table-scroll list-scroll" tabindex="0" role="region" aria-label={list.title.clone()}>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{"Person"}</th><th scope="col">{ list.system }</th>
                        if notes { <th scope="col">{"Change"}</th> }
                        <th scope="col" class="num">{ list.duration }</th><th scope="col">{"Upstream at (UTC)"}</th>
                    </tr></thead>
                    <tbody>
                        { for list.rows.iter().map(|r| html! {
                            <tr data-testid={list.testid} data-person={r.person.to_string()}>
                                <td title={r.name.clone()}>{ person_button(on_person, r.person, &r.name) }</td>
                                <td title={r.system.clone()}><span class="clamp">{ r.system.clone() }</span></td>
                                if notes { <td class="small" title={r.note.clone()}><span class="clamp">{ r.note.clone() }</span></td> }
                                <td class={classes!("num", "nowrap", r.over_sla.then_some("over"))}>
                                    { dur(r.latency_ms) }
                                    if r.over_sla { <span class="visually-hidden">{" (over the SLA)"}</span> }
                                </td>
                                <td class="small nowrap">{ short_time(&r.at) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        }
    };
    html! {
        <section class="card" data-testid={list.id}>
            <h2>{ format!("{} ({})", list.title, list.total) }</h2>
            { body }
            if list.total as usize > list.rows.len() {
                <p class="muted small">{ format!("Showing {} of {}; find anyone else with the person search.", list.rows.len(), list.total) }</p>
            }
        </section>
    }
}

fn legend() -> Html {
    let mark = |op: &str, status: &str| {
        html! {
            <svg class="legend-mark" viewBox="0 0 16 16" aria-hidden="true">
                <path class={mark_class(op, status)} d={mark_path(op, 8.0, 8.0)} />
            </svg>
        }
    };
    html! {
        <ul class="legend swim-legend" aria-label="Legend">
            { for ["create", "update", "enable", "disable", "delete"].iter().map(|op| html! { <li>{ mark(op, "success") }{ *op }</li> }) }
            <li>{ mark("create", "failure") }{"failed (hollow)"}</li>
            <li>{ mark("create", "skipped") }{"skipped (faded)"}</li>
            <li><span class="legend-line" aria-hidden="true"></span>{"latency"}</li>
            <li><span class="legend-line over" aria-hidden="true"></span>{"over the SLA"}</li>
            <li><span class="legend-line open" aria-hidden="true"></span>{"never arrived"}</li>
        </ul>
    }
}

fn swimlane_card(s: &Rc<Swimlane>, props: &LifecycleViewProps) -> Html {
    let ids: Vec<String> = s
        .upns
        .iter()
        .cloned()
        .chain(s.worker_ids.iter().map(|w| format!("worker {w}")))
        .collect();
    let on_close = props.on_person.reform(|_: MouseEvent| None);
    let entries: usize = s.lanes.iter().map(|l| l.entries.len()).sum();
    let open = |event: u32| props.on_open.reform(move |_: MouseEvent| event);
    html! {
        <section class="card swim-card" data-testid="lifecycle-swimlane" aria-labelledby="swim-title">
            <div class="card-head">
                <h2 id="swim-title" tabindex="-1">{ if s.name.is_empty() { "(no name)".to_string() } else { s.name.clone() } }</h2>
                <span class="muted small">{ ids.join(" · ") }</span>
                <button class="button small" data-testid="swimlane-close" onclick={on_close}>{"Close"}</button>
            </div>
            <p class="muted small hint">{"One lane per system, upstream first; a line joins an upstream change to the event that completed it downstream. Click a mark, or Tab to it and press Enter, to open the event."}</p>
            { legend() }
            <div class="swim-scroll"><SwimlaneChart swimlane={s.clone()} on_event={props.on_open.clone()} /></div>
            if s.omitted > 0 {
                <p class="muted small">{ format!("{} more events of busy lanes are not drawn; the explorer lists them all.", s.omitted) }</p>
            }
            <h3>{"Changes followed"}</h3>
            if s.measures.is_empty() {
                <p class="muted small">{"No joiner, leaver or mover change of this person could be followed downstream: the exports hold no upstream create, disable or followed attribute change for it."}</p>
            } else {
                <ul class="measures" data-testid="swimlane-measures">
                    { for s.measures.iter().map(|m| html! {
                        <li class={classes!(m.over_sla.then_some("over"))} title={m.text.clone()}>{ m.text.clone() }</li>
                    }) }
                </ul>
            }
            <h3>{"How the accounts were joined"}</h3>
            if s.links.is_empty() {
                <p class="muted small">{"This person has one account only: nothing was joined."}</p>
            } else {
                <div class="table-scroll">
                    <table class="table" data-testid="swimlane-links">
                        <thead><tr>
                            <th scope="col">{"Key"}</th><th scope="col">{"Value"}</th><th scope="col">{"From"}</th><th scope="col">{"To"}</th>
                        </tr></thead>
                        <tbody>
                            { for s.links.iter().map(|l| html! {
                                <tr class={classes!((!l.ambiguous.is_empty()).then_some("ambiguous"))}>
                                    <td class="nowrap">{ l.key.clone() }
                                        if !l.ambiguous.is_empty() {
                                            <br /><span class="pill st-warning" title={l.ambiguous.clone()}>{"ambiguous, kept apart"}</span>
                                        }
                                    </td>
                                    <td class="mono small" title={l.value.clone()}><span class="clamp">{ l.value.clone() }</span></td>
                                    <td title={l.from.clone()}><span class="clamp">{ l.from.clone() }</span></td>
                                    <td title={l.to.clone()}><span class="clamp">{ l.to.clone() }</span></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            <details class="swim-table">
                <summary>{ format!("Every event as a table ({entries})") }</summary>
                <div class="table-scroll">
                    <table class="table" data-testid="swimlane-table">
                        <thead><tr>
                            <th scope="col">{"System"}</th><th scope="col">{"Time"}</th><th scope="col">{"Operation"}</th>
                            <th scope="col">{"Outcome"}</th><th scope="col">{"Error code"}</th><th scope="col">{"Event id"}</th>
                        </tr></thead>
                        <tbody>
                            { for s.lanes.iter().flat_map(|l| l.entries.iter().map(move |e| (l, e))).map(|(l, e)| html! {
                                <tr>
                                    <td>{ l.system.clone() }{ if l.source { " (HR)" } else { "" } }</td>
                                    <td class="small nowrap">{ e.time.clone() }</td>
                                    <td>{ e.op.clone() }</td>
                                    <td><span class={classes!("pill", format!("st-{}", e.status))}>{ e.status.clone() }</span></td>
                                    <td class="small">{ e.error_code.clone() }</td>
                                    <td class="small mono"><button class="link" onclick={open(e.event)} aria-label={format!("Open event {}", e.event_id)}>{ e.event_id.clone() }</button></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

#[component]
pub fn LifecycleView(props: &LifecycleViewProps) -> Html {
    // The swimlane shown, if it is the person in the URL.
    let shown = match (props.person, &props.swimlane) {
        (Some(p), Some((q, s))) if p == *q => Some(s.clone()),
        _ => None,
    };
    // A newly opened swimlane takes the focus, which also scrolls it into view.
    let opened = shown.as_ref().and_then(|s| s.as_ref().map(|s| s.person));
    use_effect_with(opened, |p| {
        if p.is_some() {
            browser::focus_id("swim-title");
        }
    });
    let Some(o) = &props.overview else {
        return html! {
            <div class="lifecycle-view" data-testid="lifecycle-view">
                <p class="muted">{"Following each person across jobs…"}</p>
            </div>
        };
    };
    let on_person = &props.on_person;
    let tiles = [
        ("persons", "Persons", o.persons, ""),
        ("joiners", "Joiners", o.joiners, ""),
        ("leavers", "Leavers", o.leavers, ""),
        ("movers", "Mover changes", o.movers, ""),
        ("orphans", "Orphaned access", o.orphans_total, "kpi-failure"),
        ("breaches", "SLA breaches", o.breaches, "kpi-warning"),
    ];
    let notice = if o.persons == 0 {
        Some("No event in these exports concerns an account that can be followed, so there is nobody to chain.".to_string())
    } else if o.chained == 0 {
        Some(format!(
            "These exports hold {} provisioning job{} and no person has accounts in two jobs, so there is no chain across systems to follow and no joiner, leaver or mover latency to measure. Load the HR inbound, cloud sync and app provisioning jobs of the same period together to see them.",
            o.jobs,
            if o.jobs == 1 { "" } else { "s" }
        ))
    } else {
        None
    };
    let matches = props.persons.as_ref().map(|m| {
        if m.persons.is_empty() {
            return html! { <p class="muted small" data-testid="person-none">{ format!("No person matches “{}”.", m.text) }</p> };
        }
        html! {
            <>
                <ul class="suggestions">
                    { for m.persons.iter().map(|p| {
                        let person = p.person;
                        let onclick = on_person.reform(move |_: MouseEvent| Some(person));
                        html! {
                            <li><button class="chip" data-testid="lifecycle-match" {onclick}>
                                <span class="chip-name">{ if p.name.is_empty() { "(no name)".to_string() } else { p.name.clone() } }</span>
                                <span class="chip-meta">{ format!("{} · {}", p.note, p.system) }</span>
                            </button></li>
                        }
                    }) }
                </ul>
                if m.total as usize > m.persons.len() {
                    <p class="muted small">{ format!("{} persons match; the first {} are shown. Type more to narrow it down.", m.total, m.persons.len()) }</p>
                }
            </>
        }
    });
    let swim = match (props.person, shown) {
        (None, _) => html! {},
        (Some(_), Some(Some(s))) => swimlane_card(&s, props),
        (Some(p), Some(None)) => html! {
            <p class="notice" data-testid="swimlane-missing">
                { format!("These exports hold no person number {p}: the link was probably made with other files. Search the person by name instead.") }
            </p>
        },
        (Some(_), None) => html! { <p class="muted">{"Drawing the swimlane…"}</p> },
    };
    let on_findings = props.on_findings.reform(|_: MouseEvent| ());
    let lists = [
        PersonList {
            title: "Slowest joiners".into(),
            id: "slowest-joiners",
            testid: "slow-joiner-row",
            rows: &o.slowest_joiners,
            total: o.slowest_joiners_total,
            system: "Account in",
            duration: "Took",
            empty: "No joiner account was created after its HR create.".into(),
        },
        PersonList {
            title: "Joiners never created".into(),
            id: "never-created",
            testid: "never-created-row",
            rows: &o.never_created,
            total: o.never_created_total,
            system: "Not created in",
            duration: "Waiting",
            empty: "Every account creation attempted for a joiner succeeded.".into(),
        },
        PersonList {
            title: "Mover changes that stopped".into(),
            id: "stalled-movers",
            testid: "stalled-mover-row",
            rows: &o.stalled_movers,
            total: o.stalled_movers_total,
            system: "Never reached",
            duration: "Waiting",
            empty: "Every followed attribute change reached every system that holds the person."
                .into(),
        },
        PersonList {
            title: "Slowest leavers".into(),
            id: "slowest-leavers",
            testid: "slow-leaver-row",
            rows: &o.slowest_leavers,
            total: o.slowest_leavers_total,
            system: "Disabled in",
            duration: "Took",
            empty: "No leaver account was disabled after its HR disable.".into(),
        },
    ];
    let orphans = PersonList {
        title: "Orphaned access".into(),
        id: "orphans",
        testid: "orphan-row",
        rows: &o.orphans,
        total: o.orphans_total,
        system: "Still enabled in",
        duration: "Since",
        empty: format!(
            "No leaver is still enabled downstream beyond the leaver SLA ({}).",
            dur(o.leaver_sla_ms)
        ),
    };
    html! {
        <div class="lifecycle-view" data-testid="lifecycle-view">
            if let Some(text) = notice {
                <p class="notice" data-testid="lifecycle-empty">{ text }</p>
            }
            <div class="kpis">
                { for tiles.iter().map(|(key, label, n, alert)| html! {
                    <div class={classes!("kpi", (*n > 0).then_some(*alert))}>
                        <span class="kpi-label">{ *label }</span>
                        <span class="kpi-value" data-testid={format!("lifecycle-{key}")}>{ n.to_string() }</span>
                    </div>
                }) }
            </div>
            <p class="muted small">
                { format!("Every event counts here, whatever the filters. {} links between accounts · SLAs: joiner {}, leaver {}, mover {} (the SLAs are set under Findings → Thresholds) · end of the data {}. ",
                    o.links, dur(o.joiner_sla_ms), dur(o.leaver_sla_ms), dur(o.mover_sla_ms), o.end) }
                if o.breaches > 0 {
                    <button class="link" onclick={on_findings}>{ format!("See the {} SLA breaches among the findings", o.breaches) }</button>
                }
            </p>
            <section class="card person-search">
                <h2>{"Find a person"}</h2>
                <SearchBox value={props.persons.as_ref().map(|m| m.text.clone()).unwrap_or_default()} on_search={props.on_find.clone()}
                    id="person-search" label="Find a person by name, UPN, worker id or account id"
                    placeholder="Name, UPN, worker id or account id, then Enter" debounce_ms={0} testid="person-search" />
                { for matches }
            </section>
            { swim }
            <section class="card">
                <h2>{"Latency per system"}</h2>
                { latency_table("Joiners: HR create to account created", &o.joiner_latency, o.joiner_sla_ms, "joiner-latency-row") }
                { latency_table("Leavers: HR disable to account disabled", &o.leaver_latency, o.leaver_sla_ms, "leaver-latency-row") }
            </section>
            { person_list(orphans, on_person) }
            if o.pending_deprovisioning > 0 {
                <p class="muted small">{ format!("{} account(s) of recent leavers are not disabled yet, within the leaver SLA.", o.pending_deprovisioning) }</p>
            }
            <div class="grid two">
                { for lists.into_iter().map(|l| person_list(l, on_person)) }
            </div>
            <section class="card" data-testid="ambiguous">
                <h2>{ format!("Ambiguous links ({})", o.ambiguous_total) }</h2>
                if o.ambiguous.is_empty() {
                    <p class="muted empty">{"No key would have joined accounts that cannot be one person."}</p>
                } else {
                    <p class="muted small hint">{"Keys shared by accounts that cannot be one person (two objects of one job): they were kept apart, not merged."}</p>
                    <div class="table-scroll">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{"Key"}</th><th scope="col">{"Value"}</th><th scope="col">{"Why not joined"}</th><th scope="col">{"Accounts"}</th>
                            </tr></thead>
                            <tbody>
                                { for o.ambiguous.iter().map(|a| html! {
                                    <tr data-testid="ambiguous-row">
                                        <td class="nowrap">{ a.key.clone() }</td>
                                        <td class="mono small">{ a.value.clone() }</td>
                                        <td class="small">{ a.reason.clone() }</td>
                                        <td>
                                            <ul class="plain">
                                                { for a.persons.iter().zip(&a.accounts).map(|(p, text)| html! {
                                                    <li>{ person_button(on_person, *p, text) }</li>
                                                }) }
                                            </ul>
                                        </td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if o.ambiguous_total as usize > o.ambiguous.len() {
                        <p class="muted small">{ format!("Showing {} of {}.", o.ambiguous.len(), o.ambiguous_total) }</p>
                    }
                }
            </section>
        </div>
    }
}
