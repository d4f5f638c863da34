//! Switches between the light and dark theme (the initial one follows the system).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ThemeToggleProps {
    pub dark: bool,
    pub on_toggle: Callback<()>,
}

#[component]
pub fn ThemeToggle(props: &ThemeToggleProps) -> Html {
    let onclick = props.on_toggle.reform(|_: MouseEvent| ());
    let label = if props.dark {
        "Light theme"
    } else {
        "Dark theme"
    };
    html! {
        <button class="button ghost" data-testid="theme-toggle" aria-pressed={props.dark.to_string()} {onclick}>
            { label }
        </button>
    }
}
