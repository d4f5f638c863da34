//! One event in a drawer with the portal's four tabs: Steps, Troubleshooting &
//! recommendations, Modified properties and Summary (ids with copy buttons).

use std::rc::Rc;

use yew::prelude::*;

use crate::core::view::EventDetail;
use crate::ui::browser;

#[derive(Properties, PartialEq)]
pub struct DetailDrawerProps {
    pub detail: Rc<EventDetail>,
    pub on_close: Callback<()>,
}

const TABS: [(&str, &str); 4] = [
    ("steps", "Steps"),
    ("troubleshooting", "Troubleshooting & recommendations"),
    ("modified", "Modified properties"),
    ("summary", "Summary"),
];

#[component]
pub fn DetailDrawer(props: &DetailDrawerProps) -> Html {
    let tab = use_state(|| "steps");
    let copied = use_state(|| None::<(String, bool)>);
    let d = &props.detail;
    use_effect_with((), |_| browser::focus_id("drawer-close"));
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let tabs = TABS.iter().map(|(key, label)| {
        let onclick = {
            let tab = tab.clone();
            let key: &'static str = key;
            Callback::from(move |_: MouseEvent| tab.set(key))
        };
        let on = *tab == *key;
        html! {
            <button role="tab" id={format!("tab-{key}")} aria-selected={on.to_string()}
                aria-controls="drawer-panel" tabindex={if on { "0" } else { "-1" }}
                class={classes!("tab", on.then_some("on"))} data-testid={format!("tab-{key}")} {onclick}>{ *label }</button>
        }
    });
    let onkeydown_tabs = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let i = TABS.iter().position(|(k, _)| *k == *tab).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % TABS.len(),
                "ArrowLeft" => (i + TABS.len() - 1) % TABS.len(),
                _ => return,
            };
            e.prevent_default();
            tab.set(TABS[next].0);
            browser::focus_id(&format!("tab-{}", TABS[next].0));
        })
    };
    let panel = match *tab {
        "steps" => html! {
            if d.steps.is_empty() {
                <p class="muted">{"This export carries no provisioning steps for the event."}</p>
            } else {
                <ol class="steps">
                    { for d.steps.iter().map(|s| html! {
                        <li class={classes!("step", format!("st-{}", s.status.to_lowercase()))}>
                            <div class="step-head">
                                <span class={classes!("pill", format!("st-{}", s.status.to_lowercase()))}>{ s.status.clone() }</span>
                                <strong>{ s.name.clone() }</strong>
                                <span class="muted small">{ s.kind.clone() }</span>
                            </div>
                            <p>{ s.description.clone() }</p>
                            if !s.details.is_empty() {
                                <dl class="kv">
                                    { for s.details.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                                </dl>
                            }
                        </li>
                    }) }
                </ol>
            }
        },
        "troubleshooting" => html! {
            <div class="troubleshooting">
                if let Some(a) = &d.advice {
                    <section class="advice">
                        <h3>{ if a.title.is_empty() { a.code.clone() } else { format!("{} ({})", a.title, a.code) } }</h3>
                        <p>{ a.explanation.clone() }</p>
                        <h4>{"How to fix it"}</h4>
                        <p>{ a.fix.clone() }</p>
                        <h4>{"Retries"}</h4>
                        <p>{ a.retries.clone() }</p>
                    </section>
                } else if d.error_reason.is_empty() {
                    <p class="muted">{"Nothing to troubleshoot: the event logged no error."}</p>
                } else {
                    <p class="muted">{"This error code is not in the built-in knowledge base; the logged reason follows."}</p>
                }
                if !d.error_reason.is_empty() {
                    <h4>{"Reason (as logged)"}</h4>
                    <p class="logged">{ d.error_reason.clone() }</p>
                }
                if !d.recommended_action.is_empty() {
                    <h4>{"Recommended action (as logged)"}</h4>
                    <p class="logged">{ d.recommended_action.clone() }</p>
                }
                if !d.additional_details.is_empty() {
                    <h4>{"Additional details"}</h4>
                    <p class="logged">{ d.additional_details.clone() }</p>
                }
                if !d.error_category.is_empty() {
                    <p class="muted small">{ format!("Error category: {}", d.error_category) }</p>
                }
            </div>
        },
        "modified" => html! {
            if d.modified.is_empty() {
                <p class="muted">{"No property was modified."}</p>
            } else {
                <table class="table">
                    <thead><tr><th scope="col">{"Property"}</th><th scope="col">{"Old value"}</th><th scope="col">{"New value"}</th></tr></thead>
                    <tbody>
                        { for d.modified.iter().map(|(n, old, new)| html! {
                            <tr><td>{ n.clone() }</td><td class="old">{ old.clone() }</td><td class="new">{ format!("→ {new}") }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
        },
        _ => html! {
            <div>
                <dl class="kv ids">
                    { for d.ids.iter().map(|(k, v)| {
                        let onclick = {
                            let copied = copied.clone();
                            let (k, v) = (k.clone(), v.clone());
                            Callback::from(move |_: MouseEvent| copied.set(Some((k.clone(), browser::copy_text(&v)))))
                        };
                        let state = copied.as_ref().filter(|(key, _)| key == k).map(|(_, ok)| *ok);
                        html! {
                            <>
                                <dt>{ k.clone() }</dt>
                                <dd>
                                    <input class="mono id-value" readonly=true value={v.clone()} aria-label={k.clone()} />
                                    <button class="button small" {onclick}>
                                        { match state { Some(true) => "Copied", Some(false) => "Select to copy", None => "Copy" } }
                                        <span class="visually-hidden">{ format!(" {k}") }</span>
                                    </button>
                                </dd>
                            </>
                        }
                    }) }
                </dl>
                <p class="muted small">
                    { format!("From {}", d.file) }
                    { d.duration_ms.map(|ms| format!(" · took {ms} ms")).unwrap_or_default() }
                </p>
            </div>
        },
    };
    let r = &d.row;
    html! {
        <aside class="drawer" role="dialog" aria-modal="false" aria-labelledby="drawer-title" data-testid="drawer">
            <div class="drawer-head">
                <div>
                    <h2 id="drawer-title">{ format!("{} · {}", r.action, if r.identity.is_empty() { "(no identity)" } else { &r.identity }) }</h2>
                    <p class="muted small">
                        <span class={classes!("pill", format!("st-{}", r.status.to_lowercase()))}>{ r.status.clone() }</span>
                        { format!(" {} · {} → {}", r.time, r.source_system, r.target_system) }
                    </p>
                </div>
                <button id="drawer-close" class="button ghost" aria-label="Close the event (Esc)" data-testid="drawer-close" onclick={on_close}>{"✕"}</button>
            </div>
            <div class="tabs" role="tablist" aria-label="Event detail" onkeydown={onkeydown_tabs}>{ for tabs }</div>
            <div class="drawer-body" role="tabpanel" id="drawer-panel" aria-labelledby={format!("tab-{}", *tab)} data-testid="drawer-panel">
                { panel }
            </div>
        </aside>
    }
}
