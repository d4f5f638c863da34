//! The explorer's virtualized table: only the visible rows (plus some overscan) are in the
//! DOM, at a fixed row height inside a spacer as tall as every row; windows of rows are asked
//! of the worker as the table scrolls. Arrow keys move a cursor, Enter opens the row.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::session::RowWindow;
use crate::core::view::{Column, Row, Sort};
use crate::ui::browser;

/// Row height in pixels (the CSS uses the same).
pub const ROW_PX: f64 = 32.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: u32 = 12;
/// Rows asked for at once.
const FETCH: u32 = 240;

#[derive(Properties, PartialEq)]
pub struct EventTableProps {
    pub window: Option<Rc<RowWindow>>,
    pub total: u32,
    pub sort: Sort,
    pub on_sort: Callback<Column>,
    /// Rows `offset, limit` are needed.
    pub on_need: Callback<(u32, u32)>,
    /// Open an event (its index in the store).
    pub on_open: Callback<u32>,
}

fn cells(r: &Row) -> [&str; 10] {
    [
        &r.time,
        &r.identity,
        &r.action,
        &r.source_system,
        &r.target_system,
        &r.status,
        &r.error_code,
        &r.job,
        &r.cycle,
        &r.change_id,
    ]
}

#[component]
pub fn EventTable(props: &EventTableProps) -> Html {
    let body = use_node_ref();
    let spacer_ref = use_node_ref();
    let scroll = use_state(|| (0.0f64, 480.0f64));
    let cursor = use_state(|| None::<u32>);
    let asked = use_mut_ref(|| None::<(u32, u32)>);
    let total = props.total;
    let (top, height) = *scroll;
    let first = (top / ROW_PX).floor() as u32;
    let visible = (height / ROW_PX).ceil() as u32 + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + visible + OVERSCAN).min(total);
    let (have_from, have_to) = props
        .window
        .as_ref()
        .map_or((0, 0), |w| (w.offset, w.offset + w.rows.len() as u32));
    let missing = start < end && (start < have_from || end > have_to);
    {
        let on_need = props.on_need.clone();
        let asked = asked.clone();
        use_effect_with((missing, start, total), move |(missing, start, _)| {
            if *missing {
                let offset = start.saturating_sub(FETCH / 4);
                // One request per window position; a scroll that stays put asks once.
                if *asked.borrow() != Some((offset, FETCH)) {
                    *asked.borrow_mut() = Some((offset, FETCH));
                    on_need.emit((offset, FETCH));
                }
            }
        });
    }
    // A new result (another filter or sort) starts at the top.
    {
        let body = body.clone();
        let cursor = cursor.clone();
        let scroll = scroll.clone();
        use_effect_with((total, props.sort), move |_| {
            browser::scroll_to(&body, 0.0);
            cursor.set(None);
            if let Some(s) = browser::scroll_of(&body) {
                scroll.set(s);
            }
        });
    }
    {
        let cursor = *cursor;
        use_effect_with(cursor, move |c| {
            if let Some(c) = c {
                browser::focus_id(&format!("row-{c}"));
            }
        });
    }
    let onscroll = {
        let body = body.clone();
        let scroll = scroll.clone();
        Callback::from(move |_: Event| {
            if let Some(s) = browser::scroll_of(&body) {
                scroll.set(s);
            }
        })
    };
    let onkeydown = {
        let body = body.clone();
        let cursor = cursor.clone();
        let window = props.window.clone();
        let on_open = props.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if total == 0 {
                return;
            }
            let page = (height / ROW_PX).floor().max(1.0) as u32;
            let current = *cursor;
            let next = match e.key().as_str() {
                "ArrowDown" => current.map_or(first, |c| (c + 1).min(total - 1)),
                "ArrowUp" => current.map_or(first, |c| c.saturating_sub(1)),
                "PageDown" => current.map_or(first, |c| (c + page).min(total - 1)),
                "PageUp" => current.map_or(first, |c| c.saturating_sub(page)),
                "Home" => 0,
                "End" => total - 1,
                "Enter" | " " => {
                    if let Some(c) = current {
                        let event = window.as_ref().and_then(|w| {
                            c.checked_sub(w.offset)
                                .and_then(|k| w.rows.get(k as usize))
                                .map(|r| r.event)
                        });
                        if let Some(ev) = event {
                            e.prevent_default();
                            on_open.emit(ev);
                        }
                    }
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            let y = f64::from(next) * ROW_PX;
            if y < top {
                browser::scroll_to(&body, y);
            } else if y + ROW_PX > top + height {
                browser::scroll_to(&body, y + ROW_PX - height);
            }
            cursor.set(Some(next));
        })
    };
    let header = Column::ALL.iter().map(|&c| {
        let sort = if props.sort.column == c {
            if props.sort.descending { "descending" } else { "ascending" }
        } else {
            "none"
        };
        let onclick = props.on_sort.reform(move |_: MouseEvent| c);
        let arrow = match sort {
            "ascending" => "▲",
            "descending" => "▼",
            _ => "",
        };
        html! {
            <div role="columnheader" class="th" aria-sort={sort}>
                <button class="th-button" data-testid="sort" data-column={crate::core::filters::column_key(c)} {onclick}>
                    { c.label() }<span class="arrow" aria-hidden="true">{ arrow }</span>
                </button>
            </div>
        }
    });
    // The spacer is as tall as every row; its top padding puts the rendered rows where they
    // belong (set through the CSSOM: the CSP forbids style attributes).
    {
        let spacer_ref = spacer_ref.clone();
        use_effect_with((total, start), move |(total, start)| {
            browser::set_styles(
                &spacer_ref,
                &[
                    ("height", format!("{}px", f64::from(*total) * ROW_PX)),
                    ("padding-top", format!("{}px", f64::from(*start) * ROW_PX)),
                ],
            );
        });
    }
    let rows = (start..end).map(|i| {
        let row = props.window.as_ref().and_then(|w| {
            i.checked_sub(w.offset).and_then(|k| w.rows.get(k as usize))
        });
        let selected = *cursor == Some(i);
        match row {
            Some(r) => {
                let onclick = {
                    let cursor = cursor.clone();
                    let event = r.event;
                    let on_open = props.on_open.clone();
                    Callback::from(move |_: MouseEvent| {
                        cursor.set(Some(i));
                        on_open.emit(event);
                    })
                };
                html! {
                    <div role="row" key={i} id={format!("row-{i}")} class={classes!("tr", selected.then_some("cursor"), format!("st-{}", r.status.to_lowercase()))}
                        aria-rowindex={(i + 2).to_string()} aria-selected={selected.to_string()}
                        tabindex="-1" data-testid="row" {onclick}>
                        { for cells(r).into_iter().enumerate().map(|(k, text)| html! {
                            <div role="gridcell" class={classes!("td", (k == 5).then_some("status-cell"))} title={text.to_string()}>{ text.to_string() }</div>
                        }) }
                    </div>
                }
            }
            None => html! {
                <div role="row" key={i} class="tr loading-row" aria-rowindex={(i + 2).to_string()}>
                    <div role="gridcell" class="td">{"…"}</div>
                </div>
            },
        }
    });
    html! {
        <div class="grid-scroll">
            <div role="grid" class="event-grid" aria-label="Events" aria-rowcount={(total + 1).to_string()} data-testid="event-table">
                <div role="rowgroup" class="thead">
                    <div role="row" class="tr head" aria-rowindex="1">{ for header }</div>
                </div>
                <div role="rowgroup" class="tbody" ref={body} tabindex="0" aria-label="Event rows: arrow keys move, Enter opens"
                    {onscroll} {onkeydown}>
                    if total == 0 {
                        <div role="row" class="tr empty-row"><div role="gridcell" class="td">{"No event matches the filters."}</div></div>
                    } else {
                        <div class="spacer" ref={spacer_ref}>{ for rows }</div>
                    }
                </div>
            </div>
        </div>
    }
}
