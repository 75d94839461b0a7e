use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use seam_core::{Error, Pager, Paginated, Route};

use crate::Seam;

type PageFuture<R> = Pin<Box<dyn Future<Output = (R, Result<<R as Route>::Output, Error>)> + Send>>;

/// Every item of a paginated list, as a [`Stream`]: it fetches the next page when the items
/// of the last one are used up, stops when the server says no page follows, and yields an
/// error (then ends) when a page fails or the server repeats a cursor.
#[must_use = "a stream does nothing unless polled"]
pub struct PageStream<R: Paginated> {
    client: Seam,
    pager: Pager<R>,
    items: VecDeque<R::Item>,
    in_flight: Option<PageFuture<R>>,
    done: bool,
}

impl<R: Paginated> std::fmt::Debug for PageStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("route", &R::NAME)
            .field("buffered", &self.items.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<R: Paginated> PageStream<R> {
    pub(crate) fn new(client: Seam, first: R) -> Self {
        Self {
            client,
            pager: Pager::new(first),
            items: VecDeque::new(),
            in_flight: None,
            done: false,
        }
    }
}

impl<R: Paginated> Unpin for PageStream<R> {}

impl<R: Paginated> Stream for PageStream<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.in_flight.is_none() {
                let Some(request) = this.pager.next_request() else {
                    this.done = true;
                    return Poll::Ready(None);
                };
                let client = this.client.clone();
                this.in_flight = Some(Box::pin(async move {
                    let result = client.send(request.clone()).await;
                    (request, result)
                }));
            }
            let Some(fut) = this.in_flight.as_mut() else {
                continue;
            };
            let (request, result) = match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r,
            };
            this.in_flight = None;
            match result.and_then(|page| {
                this.pager.advance(&request, &page.pagination)?;
                Ok(page.items)
            }) {
                Ok(items) => this.items.extend(items),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}
