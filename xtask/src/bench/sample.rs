//! One measurement: calls driven from tasks or threads within a budget, and the numbers kept.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::Budget;

/// One measurement: the latency of each call that was made, and how long it all took.
pub(super) struct Sample {
    pub(super) latencies_us: Vec<u64>,
    pub(super) errors: usize,
    pub(super) elapsed: Duration,
}

impl Sample {
    pub(super) fn rps(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.latencies_us.len() as f64 / secs
        } else {
            0.0
        }
    }

    pub(super) fn named(mut self, client: &'static str, server: &'static str, c: usize) -> Named {
        self.latencies_us.sort_unstable();
        Named {
            client,
            server,
            concurrency: c,
            sample: self,
        }
    }
}

pub(super) struct Named {
    pub(super) client: &'static str,
    pub(super) server: &'static str,
    pub(super) concurrency: usize,
    pub(super) sample: Sample,
}

impl Named {
    pub(super) fn rps(&self) -> f64 {
        self.sample.rps()
    }

    pub(super) fn row(&self) -> Row {
        let l = &self.sample.latencies_us;
        let mean = if l.is_empty() {
            0.0
        } else {
            l.iter().sum::<u64>() as f64 / l.len() as f64
        };
        Row {
            client: self.client.to_owned(),
            server: self.server,
            concurrency: self.concurrency,
            requests: l.len(),
            errors: self.sample.errors,
            rps: self.rps(),
            p50_us: percentile(l, 0.50),
            p99_us: percentile(l, 0.99),
            mean_us: mean,
            round_rps: Vec::new(),
        }
    }
}

/// The `q` quantile of sorted values (nearest rank).
fn percentile(sorted: &[u64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).map(|&v| v as f64)
}

/// One line of the results.
#[derive(Clone)]
pub(super) struct Row {
    pub(super) client: String,
    pub(super) server: &'static str,
    pub(super) concurrency: usize,
    pub(super) requests: usize,
    pub(super) errors: usize,
    pub(super) rps: f64,
    /// `None` where the client reports only a mean (the peer SDK scripts).
    pub(super) p50_us: Option<f64>,
    pub(super) p99_us: Option<f64>,
    pub(super) mean_us: f64,
    /// Requests/s of each round, in round order (empty where measured once).
    pub(super) round_rps: Vec<f64>,
}

/// Runs `call` from `c` tasks on a current-thread runtime until `budget.requests` calls were
/// started or `budget.max_time` passed, after an untimed warm-up that opens the connections.
pub(super) fn drive_async<F, Fut>(c: usize, budget: &Budget, call: F) -> Result<Sample, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("bench: client runtime: {e}"))?;
    runtime.block_on(async move {
        let warm_up = (c * 4).max(50);
        run_tasks(c, warm_up, Duration::from_secs(5), call.clone()).await;
        Ok(run_tasks(c, budget.requests, budget.max_time, call).await)
    })
}

async fn run_tasks<F, Fut>(c: usize, requests: usize, max_time: Duration, call: F) -> Sample
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let tickets = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..c {
        let tickets = Arc::clone(&tickets);
        let call = call.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(requests / c + 1);
            let mut errors = 0;
            while tickets.fetch_add(1, Ordering::Relaxed) < requests && start.elapsed() < max_time {
                let t = Instant::now();
                let ok = call().await;
                latencies.push(t.elapsed().as_micros() as u64);
                if !ok {
                    errors += 1;
                }
            }
            (latencies, errors)
        });
    }
    let mut sample = Sample {
        latencies_us: Vec::with_capacity(requests),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(done) = tasks.join_next().await {
        if let Ok((latencies, errors)) = done {
            sample.latencies_us.extend(latencies);
            sample.errors += errors;
        }
    }
    sample.elapsed = start.elapsed();
    sample
}

/// Runs `call` from `c` threads, bounded like [`drive_async`].
pub(super) fn drive_threads<F>(
    c: usize,
    requests: usize,
    max_time: Duration,
    warm_up: usize,
    call: F,
) -> Sample
where
    F: Fn() -> bool + Sync,
{
    let run = |requests: usize, max_time: Duration| {
        let tickets = AtomicUsize::new(0);
        let start = Instant::now();
        let per_thread: Vec<(Vec<u64>, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..c)
                .map(|_| {
                    s.spawn(|| {
                        let mut latencies = Vec::with_capacity(requests / c + 1);
                        let mut errors = 0;
                        while tickets.fetch_add(1, Ordering::Relaxed) < requests
                            && start.elapsed() < max_time
                        {
                            let t = Instant::now();
                            let ok = call();
                            latencies.push(t.elapsed().as_micros() as u64);
                            if !ok {
                                errors += 1;
                            }
                        }
                        (latencies, errors)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let elapsed = start.elapsed();
        let mut sample = Sample {
            latencies_us: Vec::with_capacity(requests),
            errors: 0,
            elapsed,
        };
        for (latencies, errors) in per_thread {
            sample.latencies_us.extend(latencies);
            sample.errors += errors;
        }
        sample
    };
    if warm_up > 0 {
        run(warm_up, Duration::from_secs(5));
    }
    run(requests, max_time)
}
