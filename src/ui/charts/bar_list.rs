//! A breakdown as horizontal bars; each bar is a button that filters by its value.

use yew::prelude::*;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct BarItem {
    /// The value the filter uses (`failure`, `create`).
    pub key: String,
    pub label: String,
    pub count: u64,
    /// The CSS class that colours the bar (`s-failure`, `a-create`).
    pub class: String,
    pub selected: bool,
}

#[derive(Properties, PartialEq)]
pub struct BarListProps {
    pub items: Vec<BarItem>,
    /// What the list breaks down, for screen readers ("Events by status").
    pub label: AttrValue,
    /// The count of an item carries `data-testid="{prefix}-{key}"`.
    pub testid_prefix: AttrValue,
    pub on_pick: Callback<String>,
}

#[component]
pub fn BarList(props: &BarListProps) -> Html {
    let max = props
        .items
        .iter()
        .map(|i| i.count)
        .max()
        .unwrap_or(0)
        .max(1);
    html! {
        <ul class="bar-list" aria-label={props.label.clone()}>
            { for props.items.iter().map(|item| {
                let onclick = {
                    let key = item.key.clone();
                    props.on_pick.reform(move |_: MouseEvent| key.clone())
                };
                let width = format!("{:.1}", item.count as f64 * 100.0 / max as f64);
                html! {
                    <li>
                        <button
                            class={classes!("bar-item", item.selected.then_some("selected"), (item.count == 0).then_some("zero"))}
                            aria-pressed={item.selected.to_string()}
                            title={format!("Filter by {}", item.label)}
                            data-testid={format!("bar-{}-{}", props.testid_prefix, item.key)}
                            {onclick}
                        >
                            <span class="bar-label">{ item.label.clone() }</span>
                            <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                <rect class="track" width="100" height="10" rx="2" />
                                <rect class={item.class.clone()} width={width} height="10" rx="2" />
                            </svg>
                            <span class="bar-count" data-testid={format!("{}-{}", props.testid_prefix, item.key)}>{ item.count.to_string() }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
