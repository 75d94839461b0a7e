//! [`Sandbox`]: the fake's state in a JSON file that separate processes share.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response};
use seamapi_transport::{Transport, TransportError, TransportErrorKind};

use crate::error::SandboxError;
use crate::handler;
use crate::state::State;

/// A fake whose state lives in a JSON file, so that separate processes (CLI invocations, a
/// server started with `--state`) see each other's changes.
///
/// Every request takes an exclusive lock on a sibling `<file>.lock` file, loads the state,
/// handles the request and, when the state changed, writes it back atomically (a temporary
/// file in the same directory, `fsync`, rename over the state file, `fsync` of the
/// directory) before unlocking. Concurrent processes therefore take turns and no update is
/// lost; a crash leaves either the old state or the new one.
///
/// The file is handled with care for what the user made of it: a symbolic link is followed
/// (the lock and the writes are the target's, so two paths to one file share one lock), a
/// read-only file is never replaced (a request that would change it fails with
/// [`SandboxError::ReadOnly`]), a rewritten file keeps its permissions, a state that is not
/// consistent (an id counter below an id it already handed out, links that disagree) is
/// refused on load ([`SandboxError::Inconsistent`]) rather than overwritten, and the wait for
/// the lock is bounded ([`Sandbox::with_lock_timeout`], [`SandboxError::Locked`]).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("seamapi-fake-doc-{}", std::process::id()));
/// let sandbox = seamapi_fake::Sandbox::open(dir.join("state.json"))?;
/// assert_eq!(sandbox.state()?.user_identities.len(), 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), seamapi_fake::SandboxError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sandbox {
    path: PathBuf,
    lock_path: PathBuf,
    lock_timeout: Duration,
    /// The last failure of a request sent through [`Transport`], shared by clones.
    failure: Arc<Mutex<Option<SandboxError>>>,
}

/// How long a request waits for the lock by default (see [`Sandbox::with_lock_timeout`]).
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// `path` with symbolic links followed (up to 40 of them, as the kernel does), also when the
/// last target does not exist yet.
fn resolve_links(mut path: PathBuf) -> PathBuf {
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&path) {
                Ok(target) if target.is_absolute() => path = target,
                Ok(target) => {
                    path = path
                        .parent()
                        .map_or_else(|| target.clone(), |dir| dir.join(&target));
                }
                Err(_) => return path,
            },
            _ => return path,
        }
    }
    path
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SandboxError + '_ {
    move |source| SandboxError::Io {
        path: path.to_owned(),
        source,
    }
}

impl Sandbox {
    fn at(path: PathBuf) -> Self {
        let path = resolve_links(path);
        let mut lock_name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "seam-sandbox.json".into());
        lock_name.push(".lock");
        let lock_path = path.with_file_name(lock_name);
        Self {
            path,
            lock_path,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            failure: Arc::default(),
        }
    }

    /// The failure of the last request sent through the [`Transport`] impl that failed, taken
    /// out: the [`TransportError`] a client gets carries only its text, and a caller that
    /// reports sandbox failures as such (the CLI: a local error with the path, not a network
    /// one) finds the whole error here.
    pub fn take_failure(&self) -> Option<SandboxError> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The same sandbox, each request waiting at most `timeout` for the lock another process
    /// holds (default [`DEFAULT_LOCK_TIMEOUT`]); past it the request fails with
    /// [`SandboxError::Locked`], naming the lock file.
    #[must_use]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Opens the sandbox kept in `path`, creating the file (and its directory) with the
    /// [seed](crate::seed) when it does not exist.
    ///
    /// Temporary files that a process killed in the middle of a write left behind are removed
    /// (under the lock, no write is in progress, so every one found is stale).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, SandboxError> {
        Self::open_with_lock_timeout(path, DEFAULT_LOCK_TIMEOUT)
    }

    /// [`Sandbox::open`], waiting at most `timeout` for the lock, then and on every request
    /// (see [`Sandbox::with_lock_timeout`]).
    pub fn open_with_lock_timeout(
        path: impl Into<PathBuf>,
        timeout: Duration,
    ) -> Result<Self, SandboxError> {
        let sandbox = Self::at(path.into()).with_lock_timeout(timeout);
        sandbox.with_lock(|| {
            sandbox.remove_stale_temporary_files();
            sandbox.locked(|_| ((), false))
        })?;
        Ok(sandbox)
    }

    /// Puts the [seed](crate::seed) back in `path`, whatever it held, and opens it.
    pub fn reset(path: impl Into<PathBuf>) -> Result<Self, SandboxError> {
        Self::reset_with_lock_timeout(path, DEFAULT_LOCK_TIMEOUT)
    }

    /// [`Sandbox::reset`], waiting at most `timeout` for the lock.
    pub fn reset_with_lock_timeout(
        path: impl Into<PathBuf>,
        timeout: Duration,
    ) -> Result<Self, SandboxError> {
        let sandbox = Self::at(path.into()).with_lock_timeout(timeout);
        sandbox.with_state(|state| {
            *state = State::seeded();
            ((), true)
        })?;
        Ok(sandbox)
    }

    /// The state file (symbolic links followed).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A copy of the state as it is in the file now.
    pub fn state(&self) -> Result<State, SandboxError> {
        self.with_state(|state| (state.clone(), false))
    }

    /// Handles one request, blocking on the file lock: the same answer [`Transport::send`]
    /// gives.
    pub fn handle(&self, request: &Request<Bytes>) -> Result<Response<Bytes>, SandboxError> {
        self.with_state(|state| {
            let handled = handler::handle(state, request);
            (handled.response, handled.changed)
        })
    }

    /// Runs `f` on the state under the file lock; writes the state back when `f` says it
    /// changed it (or when the file did not exist yet).
    pub fn with_state<T>(
        &self,
        f: impl FnOnce(&mut State) -> (T, bool),
    ) -> Result<T, SandboxError> {
        self.with_lock(|| self.locked(f))
    }

    /// Runs `f` holding the exclusive lock on the lock file.
    fn with_lock<T>(&self, f: impl FnOnce() -> Result<T, SandboxError>) -> Result<T, SandboxError> {
        if let Some(dir) = self.dir()
            && !dir.as_os_str().is_empty()
        {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(io_err(&self.lock_path))?;
        self.wait_for(&lock)?;
        let result = f();
        // Closing the file releases the lock too; unlock explicitly to release it at once.
        let _ = lock.unlock();
        result
    }

    /// Takes the lock on `lock`, waiting at most the lock timeout (polling: std's file locks
    /// have no timed wait).
    fn wait_for(&self, lock: &File) -> Result<(), SandboxError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match lock.try_lock() {
                Ok(()) => return Ok(()),
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&self.lock_path)(e)),
            }
            let waited = started.elapsed();
            if waited >= self.lock_timeout {
                return Err(SandboxError::Locked {
                    path: self.lock_path.clone(),
                    waited,
                });
            }
            std::thread::sleep(pause.min(self.lock_timeout - waited));
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    fn dir(&self) -> Option<&Path> {
        self.path.parent()
    }

    fn locked<T>(&self, f: impl FnOnce(&mut State) -> (T, bool)) -> Result<T, SandboxError> {
        let (mut state, missing) = match fs::read(&self.path) {
            Ok(bytes) => {
                let state = serde_json::from_slice::<State>(&bytes).map_err(|source| {
                    SandboxError::Corrupt {
                        path: self.path.clone(),
                        source,
                    }
                })?;
                state.check().map_err(|reason| SandboxError::Inconsistent {
                    path: self.path.clone(),
                    reason,
                })?;
                (state, false)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (State::seeded(), true),
            Err(e) => return Err(io_err(&self.path)(e)),
        };
        let (out, changed) = f(&mut state);
        if changed || missing {
            self.write(&state)?;
        }
        Ok(out)
    }

    /// The state file's name, which its temporary files carry.
    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Whether `name` is one of this sandbox's temporary files: `.<name>.<pid>.<n>.tmp`.
    fn is_temporary_file(&self, name: &str) -> bool {
        let ours = name
            .strip_prefix('.')
            .and_then(|n| n.strip_prefix(self.file_name().as_str()))
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.split_once('.'));
        ours.is_some_and(|(pid, n)| {
            [pid, n]
                .iter()
                .all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        })
    }

    /// Removes this sandbox's temporary files; call only under the lock. Best effort: one
    /// that cannot be removed does no harm (it is never read).
    fn remove_stale_temporary_files(&self) {
        let dir = match self.dir() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if self.is_temporary_file(&entry.file_name().to_string_lossy()) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    fn write(&self, state: &State) -> Result<(), SandboxError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        // A read-only state file is the user's say: never replace it (a rename would).
        let permissions = match fs::metadata(&self.path) {
            Ok(meta) if meta.permissions().readonly() => {
                return Err(SandboxError::ReadOnly {
                    path: self.path.clone(),
                });
            }
            Ok(meta) => Some(meta.permissions()),
            Err(_) => None,
        };
        let bytes = serde_json::to_vec_pretty(state).map_err(SandboxError::Encode)?;
        let tmp = self.path.with_file_name(format!(
            ".{}.{}.{}.tmp",
            self.file_name(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = File::create(&tmp)?;
            // The new file keeps the old one's permissions (0600, say), not the umask's.
            if let Some(permissions) = &permissions {
                file.set_permissions(permissions.clone())?;
            }
            file.write_all(&bytes)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(io_err(&self.path)(e));
        }
        #[cfg(unix)]
        if let Some(dir) = self.dir() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io_err(dir))?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Transport for Sandbox {
    /// Handles the request on tokio's blocking pool (the file lock blocks), or inline
    /// outside a tokio runtime. A file failure is a [`TransportError`] of kind `Other`; the
    /// [`SandboxError`] itself is kept for [`Sandbox::take_failure`].
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let to_transport = |e: SandboxError| {
            let error =
                TransportError::new(TransportErrorKind::Other, format!("sandbox: {e}"), true);
            *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
            error
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let sandbox = self.clone();
                rt.spawn_blocking(move || sandbox.handle(&request))
                    .await
                    .map_err(|e| {
                        TransportError::new(
                            TransportErrorKind::Other,
                            format!("sandbox task failed: {e}"),
                            true,
                        )
                    })?
                    .map_err(to_transport)
            }
            Err(_) => self.handle(&request).map_err(to_transport),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_are_recognised_by_name_pid_and_counter() {
        let sandbox = Sandbox::at(PathBuf::from("/x/state.json"));
        for ours in [".state.json.123.0.tmp", ".state.json.1.99.tmp"] {
            assert!(sandbox.is_temporary_file(ours), "{ours}");
        }
        for other in [
            "state.json",
            "state.json.lock",
            ".state.json.tmp",
            ".state.json.12.tmp",
            ".state.json.a.1.tmp",
            ".state.json..1.tmp",
            ".state.json.x.1.2.tmp",
            ".state.json.1.2.tmp.bak",
            ".other.json.1.2.tmp",
        ] {
            assert!(!sandbox.is_temporary_file(other), "{other}");
        }
    }
}
