//! The page's state as a Yew reducer: a thin wrapper over the pure `core::progress::reduce`.

use std::rc::Rc;

use yew::Reducible;

use crate::core::progress::{reduce, Action, AppState};

/// `AppState` behind Yew's reducer hook.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store(pub AppState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(reduce(&self.0, action)))
    }
}
