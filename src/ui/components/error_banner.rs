//! A load or worker failure, shown above the current screen.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub message: AttrValue,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn ErrorBanner(props: &ErrorBannerProps) -> Html {
    let onclick = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="notice error" role="alert" data-testid="error">
            <span>{ props.message.clone() }</span>
            <button class="button ghost" {onclick}>{"Dismiss"}</button>
        </div>
    }
}
