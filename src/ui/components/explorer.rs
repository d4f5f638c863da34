//! The explorer: facet sidebar, the count of matching events and the virtualized table.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::analyze::query::{Facet, Filter};
use crate::core::session::{RowWindow, ViewData};
use crate::core::view::{Column, Sort};

use super::event_table::EventTable;
use super::facet_sidebar::FacetSidebar;

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub view: Option<Rc<ViewData>>,
    pub window: Option<Rc<RowWindow>>,
    pub filter: Filter,
    pub sort: Sort,
    pub on_toggle: Callback<(Facet, String)>,
    pub on_sort: Callback<Column>,
    pub on_need: Callback<(u32, u32)>,
    pub on_open: Callback<u32>,
}

#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let Some(v) = &props.view else {
        return html! { <p class="muted">{"Analyzing…"}</p> };
    };
    let total = props.window.as_ref().map_or(v.rows.total, |w| w.total);
    html! {
        <div class="explorer" data-testid="explorer">
            <FacetSidebar facets={v.facets.clone()} filter={props.filter.clone()} on_toggle={props.on_toggle.clone()} />
            <section class="card table-card">
                <div class="card-head">
                    <h2>
                        <span data-testid="explorer-count">{ total.to_string() }</span>
                        { format!(" of {} events", v.all_events) }
                    </h2>
                    <span class="muted small">{"↑ ↓ move · Enter opens · / searches · Esc closes"}</span>
                </div>
                <EventTable
                    window={props.window.clone()}
                    total={total}
                    sort={props.sort}
                    on_sort={props.on_sort.clone()}
                    on_need={props.on_need.clone()}
                    on_open={props.on_open.clone()}
                />
            </section>
        </div>
    }
}
