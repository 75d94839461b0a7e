use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use seamapi_core::pager::{Pager, Step, WalkLimits};
use seamapi_core::{Error, Paginated, Route};

use crate::Seam;

type PageFuture<R> = Pin<Box<dyn Future<Output = (R, Result<<R as Route>::Output, Error>)> + Send>>;

/// Every item of a paginated list, as a [`Stream`](https://docs.rs/futures-core/0.3/futures_core/stream/trait.Stream.html): it fetches the next page when the items
/// of the last one are used up, stops when the server says no page follows, and yields an
/// error (then ends) when a page fails or the server repeats a cursor. The walk itself is
/// core's [`Pager`]; this only does the fetching.
///
/// A walk is bounded: at most [`WalkLimits::default`] pages and items (change them with
/// [`PageStream::limits`]), and the client's overall deadline
/// ([`RetryPolicy::total_timeout`](crate::RetryPolicy::total_timeout)) covers the whole walk,
/// counted from its first page: past it the stream yields
/// [`Error::DeadlineExceeded`] and ends.
#[must_use = "a stream does nothing unless polled"]
pub struct PageStream<R: Paginated> {
    client: Seam,
    pager: Pager<R>,
    in_flight: Option<PageFuture<R>>,
    deadline: Duration,
    started: Option<tokio::time::Instant>,
}

impl<R: Paginated> std::fmt::Debug for PageStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("route", &R::INFO.name)
            .field("fetching", &self.in_flight.is_some())
            .finish()
    }
}

impl<R: Paginated> PageStream<R> {
    pub(crate) fn new(client: Seam, first: R) -> Self {
        Self {
            deadline: client.config().retry.total_timeout,
            client,
            pager: Pager::new(first),
            in_flight: None,
            started: None,
        }
    }

    /// The same walk within `limits` (at most so many pages and items), instead of
    /// [`WalkLimits::default`]. Call it before the first poll.
    ///
    /// ```no_run
    /// # async fn run(seam: seamapi::Seam) {
    /// use seamapi::{WalkLimits, routes::ListUserIdentities};
    /// let all = seam
    ///     .paginate(ListUserIdentities::new())
    ///     .limits(WalkLimits { max_pages: 10_000, max_items: 1_000_000 });
    /// # drop(all); }
    /// ```
    pub fn limits(mut self, limits: WalkLimits) -> Self {
        self.pager = self.pager.with_limits(limits);
        self
    }
}

impl<R: Paginated> PageStream<R> {
    /// The next item, `None` after the last one (or after an error): loop over a list without
    /// another crate.
    ///
    /// ```no_run
    /// use seamapi::routes::ListAcsUsers;
    /// # async fn run(seam: seamapi::Seam) -> seamapi::Result<()> {
    /// let mut users = seam.acs().users().list_all(ListAcsUsers::new());
    /// while let Some(user) = users.next().await {
    ///     println!("{}", user?.acs_user_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next(&mut self) -> Option<Result<R::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item left, page after page, or the first error.
    ///
    /// ```no_run
    /// use seamapi::routes::ListAcsUsers;
    /// # async fn run(seam: seamapi::Seam) -> seamapi::Result<()> {
    /// let users = seam.acs().users().list_all(ListAcsUsers::new()).try_collect().await?;
    /// # let _ = users; Ok(()) }
    /// ```
    pub async fn try_collect(mut self) -> Result<Vec<R::Item>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<R: Paginated> Unpin for PageStream<R> {}

impl<R: Paginated> Stream for PageStream<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(fetch) = this.in_flight.as_mut() {
                let (request, answer) = match fetch.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(done) => done,
                };
                this.in_flight = None;
                this.pager.receive(&request, answer);
            }
            match this.pager.step() {
                Step::Item(item) => return Poll::Ready(Some(Ok(item))),
                Step::Failed(e) => return Poll::Ready(Some(Err(e))),
                Step::Done => return Poll::Ready(None),
                Step::Fetch(request) => {
                    let started = *this.started.get_or_insert_with(tokio::time::Instant::now);
                    let deadline = this.deadline;
                    let pages = this.pager.pages();
                    let Some(left) = deadline.checked_sub(started.elapsed()) else {
                        this.pager.fail(WalkLimits::deadline_error(deadline, pages));
                        continue;
                    };
                    let client = this.client.clone();
                    this.in_flight = Some(Box::pin(async move {
                        // The page gets what is left of the walk's deadline.
                        let answer = tokio::time::timeout(left, client.send(request.clone()))
                            .await
                            .unwrap_or_else(|_| Err(WalkLimits::deadline_error(deadline, pages)));
                        (request, answer)
                    }));
                }
            }
        }
    }
}
