//! The findings, most severe first: what broke silently, with its evidence, the recommended
//! action and the KQL that finds it in Log Analytics. Clicking a finding filters every view to
//! its events; the thresholds are edited here and kept in the URL.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::filters::THRESHOLDS;
use crate::core::findings::kql::alert_rule_arm_with;
use crate::core::findings::FindingsConfig;
use crate::core::session::FindingItem;

#[derive(Properties, PartialEq)]
pub struct FindingsViewProps {
    pub findings: Option<Rc<Vec<FindingItem>>>,
    /// The finding the filters are set to, if any.
    pub selected: Option<String>,
    /// Threshold values set in the URL, by key (empty: the default).
    pub thresholds: Vec<(String, String)>,
    pub on_select: Callback<String>,
    pub on_threshold: Callback<(String, String)>,
    /// The thresholds in force, for the alert rules.
    pub config: FindingsConfig,
}

#[component]
pub fn FindingsView(props: &FindingsViewProps) -> Html {
    let settings = html! {
        <details class="card thresholds" data-testid="thresholds">
            <summary>{"Thresholds"}</summary>
            <p class="muted small">{"Kept in this page's address only. Empty means the documented default."}</p>
            <div class="threshold-grid">
            { for THRESHOLDS.iter().map(|(key, label)| {
                let value = props.thresholds.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
                let on_change = {
                    let key = key.to_string();
                    props.on_threshold.reform(move |e: Event| (key.clone(), crate::ui::browser::event_value(&e)))
                };
                let id = format!("threshold-{key}");
                html! {
                    <label class="threshold" for={id.clone()}>
                        <span>{ *label }</span>
                        <input id={id} type="number" min="0" step="any" value={value}
                            data-testid={format!("threshold-{key}")} onchange={on_change} />
                    </label>
                }
            }) }
            </div>
        </details>
    };
    let Some(items) = &props.findings else {
        return html! {
            <div class="findings-view" data-testid="findings-view">
                { settings }
                <p class="muted">{"Looking for findings…"}</p>
            </div>
        };
    };
    let count = |sev: &str| {
        items
            .iter()
            .filter(|i| i.finding.severity.as_str() == sev)
            .count()
    };
    html! {
        <div class="findings-view" data-testid="findings-view">
            <p class="findings-count" data-testid="findings-count">
                { format!("{} findings: {} high, {} medium, {} low, {} info", items.len(), count("high"), count("medium"), count("low"), count("info")) }
            </p>
            { settings }
            if items.is_empty() {
                <p class="muted empty">{"Nothing to report: no rule found a problem in these exports."}</p>
            }
            <ol class="findings">
            { for items.iter().map(|item| {
                let f = &item.finding;
                let e = &f.evidence;
                let sev = f.severity.as_str();
                let selected = props.selected.as_deref() == Some(item.key.as_str());
                let onclick = {
                    let key = item.key.clone();
                    props.on_select.reform(move |_: MouseEvent| key.clone())
                };
                let on_arm = {
                    let kind = f.kind;
                    let config = props.config.clone();
                    Callback::from(move |_: MouseEvent| {
                        let rule = alert_rule_arm_with(kind, &config);
                        let text = serde_json::to_string_pretty(&rule).unwrap_or_default();
                        let name = format!("provlens-alert-{}.json", kind.as_str().replace('_', "-"));
                        // A failed download leaves the page as it is; the button can be pressed again.
                        let _ = crate::ui::browser::download(&name, "application/json", &text);
                    })
                };
                let window = match (&e.first, &e.last) {
                    (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                    (Some(a), _) => a.clone(),
                    _ => String::new(),
                };
                html! {
                    <li class={classes!("finding", format!("sev-{sev}"), selected.then_some("on"))}
                        data-testid="finding" data-kind={f.kind.as_str()} data-severity={sev} data-key={item.key.clone()}>
                        <details>
                            <summary>
                                <span class={classes!("pill", format!("sev-{sev}"))}>{ sev }</span>
                                <span class="finding-title">{ &f.title }</span>
                                <span class="muted small">{ f.kind.label() }</span>
                            </summary>
                            <p>{ &f.explanation }</p>
                            <dl class="evidence">
                                if !window.is_empty() { <dt>{"When"}</dt><dd>{ window }</dd> }
                                if !e.job_id.is_empty() { <dt>{"Job"}</dt><dd class="mono">{ &e.job_id }</dd> }
                                <dt>{"Count"}</dt><dd>{ e.count }</dd>
                                if !e.identities.is_empty() {
                                    <dt>{"Identities"}</dt>
                                    <dd>{ e.identities.join(", ") }
                                        if e.identity_total > e.identities.len() as u64 {
                                            { format!(" and {} more", e.identity_total - e.identities.len() as u64) }
                                        }
                                    </dd>
                                }
                                { for e.figures.iter().map(|(k, v)| {
                                    let (label, value) = v.display(k);
                                    html! { <><dt>{ label }</dt><dd>{ value }</dd></> }
                                }) }
                            </dl>
                            <p><strong>{"Recommended action: "}</strong>{ &f.recommended_action }</p>
                            <details class="kql">
                                <summary>{"KQL for Log Analytics"}</summary>
                                <pre class="mono">{ &f.kql }</pre>
                            </details>
                            <button class="button small" data-testid="finding-arm" onclick={on_arm}
                                title="An Azure Monitor scheduled-query alert rule (ARM template) that raises this finding in Log Analytics">
                                {"Download alert rule (ARM)"}
                            </button>
                            {" "}
                            if e.event_total > 0 {
                                <button class="button small" data-testid="finding-filter" {onclick}>
                                    { format!("Show its {} events in every view", e.event_indices.len()) }
                                </button>
                            }
                        </details>
                    </li>
                }
            }) }
            </ol>
        </div>
    }
}
