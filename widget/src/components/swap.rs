//! [`Swap`]: a view that a reactive closure replaces wholesale instead of patching, for views that
//! only ever change wholesale. tachys would otherwise compile in the code that patches every
//! element, attribute and handler of both sides in place, which such a view never needs.

use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};

/// A view that is replaced, never patched: when the reactive closure that returns it runs again,
/// the new value is built and takes the old one's place. For views that only ever change
/// wholesale (the pre-chat form giving way to the composer), this leaves out of the wasm the
/// patching code tachys otherwise generates for every element, attribute and handler.
pub struct Swap<V>(pub V);

impl<V: Render> Render for Swap<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        let mut new = self.0.build();
        state.insert_before_this(&mut new);
        state.unmount();
        *state = new;
    }
}

impl<V: RenderHtml> AddAnyAttr for Swap<V> {
    type Output<SomeNewAttr: Attribute> = Swap<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        Swap(self.0.add_any_attr(attr))
    }
}

/// Server rendering and hydration pass through (the widget only renders in the browser).
impl<V: RenderHtml> RenderHtml for Swap<V> {
    type AsyncOutput = V::AsyncOutput;
    type Owned = Swap<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self.0.resolve().await
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        Swap(self.0.into_owned())
    }
}
