//! Walking every page of a list, without I/O: the facades drive it with a `Stream` or an
//! `Iterator`, and only fetch the pages it asks for.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

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
/// instead of looping for ever), within the [`WalkLimits`] of its [`Cursors`].
///
/// ```
/// use seamapi_core::{Page, Pagination, Paginated, Route, RouteInfo};
/// use seamapi_core::pager::{Pager, Step};
/// # #[derive(Clone, serde::Serialize)]
/// # struct ListThings { page_cursor: Option<String> }
/// # impl Route for ListThings {
/// #     const INFO: RouteInfo = RouteInfo {
/// #         index: usize::MAX, name: "things.list", path: "/things/list",
/// #         method: seamapi_core::HttpMethod::Get, idempotent: true, retry_reason: "a read",
/// #         params: &[], output_key: Some("things"), paginated: true, action_attempt: false,
/// #         auth: seamapi_core::AuthSet::WORKSPACE, namespace: &["things"], method_name: "list",
/// #         title: "List things", doc: "", deprecated: None,
/// #     };
/// #     type Output = Page<String>;
/// #     fn decode_output(body: &[u8]) -> Result<Page<String>, serde_json::Error> {
/// #         seamapi_core::codec::decode_page(body, "things")
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

/// How far one walk over pages may go: a server that always says another page follows, each
/// time with a new cursor, would otherwise be walked for ever, and every item held.
///
/// A walk that reaches a limit ends with an [`Error::Pagination`] saying which limit; the
/// facades also end it with [`Error::DeadlineExceeded`] once the client's overall deadline
/// ([`RetryPolicy::total_timeout`](crate::RetryPolicy::total_timeout)) has passed since the
/// walk began ([`WalkLimits::deadline_error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimits {
    /// At most this many pages are read ([`DEFAULT_MAX_PAGES`] by default).
    pub max_pages: u32,
    /// At most this many items are handed out ([`DEFAULT_MAX_ITEMS`] by default).
    pub max_items: u64,
}

/// The default [`WalkLimits::max_pages`]: 1,000 pages.
pub const DEFAULT_MAX_PAGES: u32 = 1000;
/// The default [`WalkLimits::max_items`]: 100,000 items.
pub const DEFAULT_MAX_ITEMS: u64 = 100_000;

impl Default for WalkLimits {
    fn default() -> Self {
        Self {
            max_pages: DEFAULT_MAX_PAGES,
            max_items: DEFAULT_MAX_ITEMS,
        }
    }
}

impl WalkLimits {
    /// The error of a walk still going when the overall deadline `deadline` passed, after
    /// `pages` pages.
    pub fn deadline_error(deadline: Duration, pages: u32) -> Error {
        Error::DeadlineExceeded {
            deadline,
            attempts: pages,
            last: Box::new(Error::Pagination(format!(
                "the walk over pages was still going after {pages} page(s) when the overall \
                 deadline of {deadline:?} passed; read page by page to go further"
            ))),
        }
    }
}

/// The cursors of one walk over pages, and its rule: a page whose `pagination` says another
/// follows must give its cursor, a cursor seen before ends the walk with an error instead of
/// a loop, and so does passing the walk's [`WalkLimits`]. [`Pager`] walks typed pages with it;
/// a walk over raw JSON (the CLI's) uses it directly.
///
/// ```
/// use seamapi_core::{Pagination, pager::{Cursors, WalkLimits}};
/// let mut cursors = Cursors::starting_at(None);
/// let more = |c: &str| Pagination { has_next_page: true, next_page_cursor: Some(c.into()), next_page_url: None };
/// assert_eq!(cursors.next(&more("c1"), 10).unwrap().as_deref(), Some("c1"));
/// assert!(cursors.next(&more("c1"), 10).is_err());
/// assert_eq!(cursors.next(&Pagination::default(), 10).unwrap(), None);
///
/// // A server that never stops: the walk does, at the limit.
/// let limits = WalkLimits { max_pages: 2, ..WalkLimits::default() };
/// let mut cursors = Cursors::starting_at(None).with_limits(limits);
/// assert!(cursors.next(&more("a"), 10).is_ok());
/// let e = cursors.next(&more("b"), 10).unwrap_err();
/// assert!(e.to_string().contains("read 2 pages"), "{e}");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cursors {
    seen: HashSet<String>,
    limits: WalkLimits,
    pages: u32,
    items: u64,
}

impl Cursors {
    /// A walk that starts at `first` (a caller's own cursor counts as seen), with the default
    /// [`WalkLimits`].
    pub fn starting_at(first: Option<&str>) -> Self {
        Self {
            seen: first.map(str::to_owned).into_iter().collect(),
            ..Self::default()
        }
    }

    /// The same walk within `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: WalkLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> WalkLimits {
        self.limits
    }

    /// How many pages have been read.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The cursor of the page after one of `items` items answered with `pagination`: `None`
    /// when no page follows; an error when the server's cursor is missing or repeated, or
    /// when another page would pass the walk's limits.
    pub fn next(&mut self, pagination: &Pagination, items: usize) -> Result<Option<String>, Error> {
        self.pages = self.pages.saturating_add(1);
        self.items = self
            .items
            .saturating_add(u64::try_from(items).unwrap_or(u64::MAX));
        if !pagination.has_next_page {
            return Ok(None);
        }
        if self.pages >= self.limits.max_pages {
            return Err(Error::Pagination(format!(
                "read {} pages (the limit of pages for one walk) and the server still has \
                 more; stopping",
                self.pages
            )));
        }
        if self.items >= self.limits.max_items {
            return Err(Error::Pagination(format!(
                "read {} items (the limit of items for one walk is {}) and the server still \
                 has more; stopping",
                self.items, self.limits.max_items
            )));
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
    /// Starts at `first` (its cursor, if any, is where the walk starts), within the default
    /// [`WalkLimits`].
    pub fn new(first: R) -> Self {
        Self {
            cursors: Cursors::starting_at(first.page_cursor()),
            next: Some(first),
            items: VecDeque::new(),
            failure: None,
        }
    }

    /// The same walk within `limits` (call before the first step).
    #[must_use]
    pub fn with_limits(mut self, limits: WalkLimits) -> Self {
        self.cursors = self.cursors.with_limits(limits);
        self
    }

    /// How many pages have been received.
    pub fn pages(&self) -> u32 {
        self.cursors.pages()
    }

    /// Ends the walk with `error` (the facades' deadline): buffered items are still handed
    /// out first, then the error, and no page is fetched any more.
    pub fn fail(&mut self, error: Error) {
        self.next = None;
        self.failure = Some(error);
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
        let count = page.items.len();
        self.items.extend(page.items);
        match self.cursors.next(&page.pagination, count) {
            Ok(Some(cursor)) => self.next = Some(request.with_page_cursor(cursor)),
            Ok(None) => {}
            Err(e) => self.failure = Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn more(i: u32) -> Pagination {
        Pagination {
            has_next_page: true,
            next_page_cursor: Some(format!("c{i}")),
            next_page_url: None,
        }
    }

    /// Issue 15, bug 2: a server that always has another page, each with a new cursor, is
    /// walked 1,000 pages by default, then the walk stops with an error.
    #[test]
    fn an_endless_walk_stops_at_the_default_limits() {
        assert_eq!(
            WalkLimits::default(),
            WalkLimits {
                max_pages: 1000,
                max_items: 100_000
            }
        );
        let mut cursors = Cursors::starting_at(None);
        for i in 1..1000 {
            assert_eq!(cursors.next(&more(i), 10).unwrap(), Some(format!("c{i}")));
        }
        let e = cursors.next(&more(1000), 10).unwrap_err();
        assert!(e.to_string().contains("read 1000 pages"), "{e}");
        // 200 items a page: the item limit comes first, at page 500.
        let mut cursors = Cursors::starting_at(None);
        let stopped = (1..=1000).find_map(|i| cursors.next(&more(i), 200).err());
        assert!(
            stopped.is_some_and(|e| e.to_string().contains("read 100000 items")),
            "{cursors:?}"
        );
        assert_eq!(cursors.pages(), 500);
    }

    #[test]
    fn the_last_page_is_never_over_a_limit() {
        let mut cursors = Cursors::starting_at(None).with_limits(WalkLimits {
            max_pages: 1,
            max_items: 1,
        });
        assert_eq!(cursors.next(&Pagination::default(), 5).unwrap(), None);
    }
}
