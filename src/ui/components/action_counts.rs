//! Events by provisioning action.

use yew::prelude::*;

use crate::core::analyze::totals::ActionCounts as Counts;

#[derive(Properties, PartialEq)]
pub struct ActionCountsProps {
    pub counts: Counts,
}

#[component]
pub fn ActionCounts(props: &ActionCountsProps) -> Html {
    let c = &props.counts;
    let rows = [
        ("create", "Create", c.create),
        ("update", "Update", c.update),
        ("delete", "Delete", c.delete),
        ("disable", "Disable", c.disable),
        ("staged-delete", "Staged delete", c.staged_delete),
        ("other", "Other", c.other),
        ("unknown", "Unknown", c.unknown),
    ];
    html! {
        <section class="card">
            <h2>{"By action"}</h2>
            <dl class="counts">
                { for rows.iter().map(|(key, label, n)| html! {
                    <div class={classes!("count", (*n == 0).then_some("zero"))}>
                        <dt>{ *label }</dt>
                        <dd data-testid={format!("action-{key}")}>{ n.to_string() }</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}
