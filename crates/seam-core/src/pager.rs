//! Walking every page of a list, without I/O: the facades drive it with a `Stream` or an
//! `Iterator`.

use std::collections::HashSet;

use crate::error::Error;
use crate::resources::Pagination;
use crate::route::Paginated;

/// The state of a walk over every page of a [`Paginated`] route.
///
/// ```
/// use seam_core::{Pager, Pagination, routes::ListAcsUsers};
/// let mut pager = Pager::new(ListAcsUsers::new());
/// let first = pager.next_request().unwrap();
/// pager.advance(&first, &Pagination { has_next_page: true, next_page_cursor: Some("c1".into()), next_page_url: None }).unwrap();
/// let second = pager.next_request().unwrap();
/// assert_eq!(second.page_cursor.as_deref(), Some("c1"));
/// // The server hands out the same cursor again: stop rather than loop for ever.
/// assert!(pager.advance(&second, &Pagination { has_next_page: true, next_page_cursor: Some("c1".into()), next_page_url: None }).is_err());
/// assert!(pager.next_request().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Pager<R: Paginated> {
    next: Option<R>,
    seen: HashSet<String>,
}

impl<R: Paginated> Pager<R> {
    /// Starts at `first` (its cursor, if any, is where the walk starts).
    pub fn new(first: R) -> Self {
        let mut seen = HashSet::new();
        if let Some(c) = first.page_cursor() {
            seen.insert(c.to_owned());
        }
        Self {
            next: Some(first),
            seen,
        }
    }

    /// The request for the next page, or `None` when the walk is over.
    pub fn next_request(&mut self) -> Option<R> {
        self.next.take()
    }

    /// Records the page that `current` returned; fails, and ends the walk, when the server
    /// says there is a next page but gives no cursor or one it gave before.
    pub fn advance(&mut self, current: &R, pagination: &Pagination) -> Result<(), Error> {
        self.next = None;
        if !pagination.has_next_page {
            return Ok(());
        }
        let Some(cursor) = pagination.next_page_cursor.as_deref() else {
            return Err(Error::Pagination(
                "the server said another page follows but gave no next_page_cursor".to_owned(),
            ));
        };
        if !self.seen.insert(cursor.to_owned()) {
            return Err(Error::Pagination(format!(
                "the server returned page cursor {cursor:?} twice; stopping instead of looping"
            )));
        }
        self.next = Some(current.with_page_cursor(cursor.to_owned()));
        Ok(())
    }
}
