//! Walking every page of a list, without I/O: the facades drive it with a `Stream` or an
//! `Iterator`, and only fetch the pages it asks for.

use std::collections::{HashSet, VecDeque};

use crate::error::Error;
use crate::resources::{Page, Pagination};
use crate::route::Paginated;

/// What a walk over pages wants next.
#[derive(Debug)]
pub enum Step<R: Paginated> {
    /// An item to hand to the caller.
    Item(R::Item),
    /// Fetch this page, then give the answer to [`Pager::receive`].
    Fetch(R),
    /// The walk failed; it is over.
    Failed(Error),
    /// Every page was read.
    Done,
}

/// The state of a walk over every page of a [`Paginated`] route: buffered items, the next
/// request, and the cursors seen so far (a cursor seen twice ends the walk with an error
/// instead of looping for ever).
///
/// ```
/// use seam_core::{Page, Pagination, Paginated, Route, RouteInfo};
/// use seam_core::pager::{Pager, Step};
/// # #[derive(Clone, serde::Serialize)]
/// # struct ListThings { page_cursor: Option<String> }
/// # impl Route for ListThings {
/// #     const INFO: RouteInfo = RouteInfo {
/// #         index: usize::MAX, name: "things.list", path: "/things/list",
/// #         method: seam_core::HttpMethod::Get, idempotent: true, retry_reason: "a read",
/// #         params: &[], output_key: Some("things"), paginated: true, action_attempt: false,
/// #         auth: seam_core::AuthSet::WORKSPACE, namespace: &["things"], method_name: "list",
/// #         title: "List things", doc: "", deprecated: None,
/// #     };
/// #     type Output = Page<String>;
/// #     fn decode_output(body: &[u8]) -> Result<Page<String>, serde_json::Error> {
/// #         seam_core::codec::decode_page(body, "things")
/// #     }
/// # }
/// # impl Paginated for ListThings {
/// #     type Item = String;
/// #     fn page_cursor(&self) -> Option<&str> { self.page_cursor.as_deref() }
/// #     fn with_page_cursor(&self, c: String) -> Self { Self { page_cursor: Some(c) } }
/// # }
/// let mut pager = Pager::new(ListThings { page_cursor: None });
/// let Step::Fetch(first) = pager.step() else { unreachable!() };
/// let next = |c: &str| Pagination { has_next_page: true, next_page_cursor: Some(c.into()), next_page_url: None };
/// pager.receive(&first, Ok(Page { items: vec![], pagination: next("c1") }));
/// let Step::Fetch(second) = pager.step() else { unreachable!() };
/// assert_eq!(second.page_cursor.as_deref(), Some("c1"));
/// // The server hands out the same cursor again: stop rather than loop for ever.
/// pager.receive(&second, Ok(Page { items: vec![], pagination: next("c1") }));
/// assert!(matches!(pager.step(), Step::Failed(_)));
/// assert!(matches!(pager.step(), Step::Done));
/// ```
#[derive(Debug)]
pub struct Pager<R: Paginated> {
    next: Option<R>,
    items: VecDeque<R::Item>,
    failure: Option<Error>,
    cursors: Cursors,
}

/// The cursors of one walk over pages, and its rule: a page whose `pagination` says another
/// follows must give its cursor, and a cursor seen before ends the walk with an error instead
/// of a loop. [`Pager`] walks typed pages with it; a walk over raw JSON (the CLI's) uses it
/// directly.
///
/// ```
/// use seam_core::{Pagination, pager::Cursors};
/// let mut cursors = Cursors::starting_at(None);
/// let more = |c: &str| Pagination { has_next_page: true, next_page_cursor: Some(c.into()), next_page_url: None };
/// assert_eq!(cursors.next(&more("c1")).unwrap().as_deref(), Some("c1"));
/// assert!(cursors.next(&more("c1")).is_err());
/// assert_eq!(cursors.next(&Pagination::default()).unwrap(), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cursors {
    seen: HashSet<String>,
}

impl Cursors {
    /// A walk that starts at `first` (a caller's own cursor counts as seen).
    pub fn starting_at(first: Option<&str>) -> Self {
        Self {
            seen: first.map(str::to_owned).into_iter().collect(),
        }
    }

    /// The cursor of the page after one answered with `pagination`: `None` when no page
    /// follows.
    pub fn next(&mut self, pagination: &Pagination) -> Result<Option<String>, Error> {
        if !pagination.has_next_page {
            return Ok(None);
        }
        match &pagination.next_page_cursor {
            None => Err(Error::Pagination(
                "the server said another page follows but gave no next_page_cursor".to_owned(),
            )),
            Some(cursor) if !self.seen.insert(cursor.clone()) => Err(Error::Pagination(format!(
                "the server returned page cursor {cursor:?} twice; stopping instead of looping"
            ))),
            Some(cursor) => Ok(Some(cursor.clone())),
        }
    }
}

impl<R: Paginated> Pager<R> {
    /// Starts at `first` (its cursor, if any, is where the walk starts).
    pub fn new(first: R) -> Self {
        Self {
            cursors: Cursors::starting_at(first.page_cursor()),
            next: Some(first),
            items: VecDeque::new(),
            failure: None,
        }
    }

    /// What to do next: hand out a buffered item, report a failure, fetch a page, or stop.
    pub fn step(&mut self) -> Step<R> {
        if let Some(item) = self.items.pop_front() {
            return Step::Item(item);
        }
        if let Some(e) = self.failure.take() {
            self.next = None;
            return Step::Failed(e);
        }
        match self.next.take() {
            Some(request) => Step::Fetch(request),
            None => Step::Done,
        }
    }

    /// Takes the answer to the [`Step::Fetch`] of `request`. Its items are handed out before
    /// any failure: a failed page, a next page without a cursor, or a cursor seen before.
    pub fn receive(&mut self, request: &R, answer: Result<Page<R::Item>, Error>) {
        let page = match answer {
            Ok(page) => page,
            Err(e) => {
                self.failure = Some(e);
                return;
            }
        };
        self.items.extend(page.items);
        match self.cursors.next(&page.pagination) {
            Ok(Some(cursor)) => self.next = Some(request.with_page_cursor(cursor)),
            Ok(None) => {}
            Err(e) => self.failure = Some(e),
        }
    }
}
