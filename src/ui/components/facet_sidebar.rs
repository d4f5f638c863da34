//! The explorer's facet sidebar: per facet its values with counts that reflect the other
//! filters; a click adds or removes the value.

use yew::prelude::*;

use crate::core::analyze::query::{Facet, FacetValue, Filter, LIST_FACETS};
use crate::core::filters::{facet_label, is_selected, value_label};
use crate::core::vecmap::VecMap;

/// Values shown per facet before "Show all".
const SHOWN: usize = 8;

#[derive(Properties, PartialEq)]
pub struct FacetSidebarProps {
    pub facets: VecMap<Facet, Vec<FacetValue>>,
    pub filter: Filter,
    pub on_toggle: Callback<(Facet, String)>,
}

#[component]
pub fn FacetSidebar(props: &FacetSidebarProps) -> Html {
    let expanded = use_state(Vec::<Facet>::new);
    let groups = LIST_FACETS.iter().filter_map(|&facet| {
        let values = props.facets.get(&facet)?;
        if values.is_empty() {
            return None;
        }
        let open = expanded.contains(&facet);
        let shown = values.iter().enumerate().filter(|(k, v)| {
            open || *k < SHOWN || is_selected(&props.filter, facet, &v.value)
        });
        let toggle_open = {
            let expanded = expanded.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*expanded).clone();
                match next.iter().position(|f| *f == facet) {
                    Some(i) => {
                        next.remove(i);
                    }
                    None => next.push(facet),
                }
                expanded.set(next);
            })
        };
        let heading_id = format!("facet-{}", facet as u8);
        Some(html! {
            <section class="facet" aria-labelledby={heading_id.clone()}>
                <h3 id={heading_id}>{ facet_label(facet) }</h3>
                <ul>
                    { for shown.map(|(_, v)| {
                        let selected = is_selected(&props.filter, facet, &v.value);
                        let onclick = {
                            let value = v.value.clone();
                            props.on_toggle.reform(move |_: MouseEvent| (facet, value.clone()))
                        };
                        let label = value_label(facet, &v.value);
                        html! {
                            <li>
                                <button class={classes!("facet-value", selected.then_some("selected"))}
                                    aria-pressed={selected.to_string()} data-testid="facet-value"
                                    data-facet={facet_label(facet)} data-value={v.value.clone()} title={label.clone()} {onclick}>
                                    <span class="facet-name">{ label }</span>
                                    <span class="facet-count">{ v.count.to_string() }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if values.len() > SHOWN {
                    <button class="link small" aria-expanded={open.to_string()} onclick={toggle_open}>
                        { if open { "Show fewer".to_string() } else { format!("Show all {}", values.len()) } }
                    </button>
                }
            </section>
        })
    });
    html! {
        <aside class="facets" aria-label="Filter by value" data-testid="facets">{ for groups }</aside>
    }
}
