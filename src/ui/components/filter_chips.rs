//! The active filters as removable chips, with "Clear all".

use yew::prelude::*;

use crate::core::filters::Chip;

#[derive(Properties, PartialEq)]
pub struct FilterChipsProps {
    pub chips: Vec<Chip>,
    pub on_remove: Callback<Chip>,
    pub on_clear: Callback<()>,
}

#[component]
pub fn FilterChips(props: &FilterChipsProps) -> Html {
    if props.chips.is_empty() {
        return html! {
            <div class="filter-chips empty" data-testid="filter-chips">
                <span class="muted">{"No filter: every event is shown. Click any bar, row or value to filter."}</span>
            </div>
        };
    }
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    html! {
        <div class="filter-chips" data-testid="filter-chips" aria-label="Active filters" role="group">
            { for props.chips.iter().map(|c| {
                let onclick = {
                    let c = c.clone();
                    props.on_remove.reform(move |_: MouseEvent| c.clone())
                };
                html! {
                    <button class="chip filter-chip" data-testid="filter-chip" aria-label={format!("Remove filter {}", c.label)} {onclick}>
                        <span>{ c.label.clone() }</span><span aria-hidden="true" class="x">{"×"}</span>
                    </button>
                }
            }) }
            <button class="button ghost small" data-testid="clear-filters" onclick={on_clear}>{"Clear all"}</button>
        </div>
    }
}
