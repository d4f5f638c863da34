//! A search field that reports its text after the user pauses typing (or at once on Enter).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    /// The search in force (from the URL); the field follows it when it changes elsewhere.
    pub value: AttrValue,
    pub on_search: Callback<String>,
    pub id: AttrValue,
    pub label: AttrValue,
    pub placeholder: AttrValue,
    /// Milliseconds of quiet before the text is reported; 0 reports only on Enter.
    #[prop_or(250)]
    pub debounce_ms: u32,
    #[prop_or_default]
    pub testid: AttrValue,
}

#[component]
pub fn SearchBox(props: &SearchBoxProps) -> Html {
    let text = use_state(|| props.value.to_string());
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    {
        let text = text.clone();
        use_effect_with(props.value.clone(), move |v| text.set(v.to_string()));
    }
    let oninput = {
        let text = text.clone();
        let pending = pending.clone();
        let on_search = props.on_search.clone();
        let debounce_ms = props.debounce_ms;
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let value = input.value();
            text.set(value.clone());
            if debounce_ms > 0 {
                let on_search = on_search.clone();
                *pending.borrow_mut() =
                    Some(Timeout::new(debounce_ms, move || on_search.emit(value)));
            }
        })
    };
    let onkeydown = {
        let text = text.clone();
        let pending = pending.clone();
        let on_search = props.on_search.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                pending.borrow_mut().take();
                on_search.emit((*text).clone());
            }
        })
    };
    html! {
        <div class="search" role="search">
            <label class="visually-hidden" for={props.id.clone()}>{ props.label.clone() }</label>
            <input
                id={props.id.clone()}
                type="search"
                value={(*text).clone()}
                placeholder={props.placeholder.clone()}
                data-testid={props.testid.clone()}
                autocomplete="off"
                {oninput}
                {onkeydown}
            />
        </div>
    }
}
