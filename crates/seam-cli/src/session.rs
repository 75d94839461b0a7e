//! One invocation's configuration and its client, built on first use.

use std::cell::RefCell;

use seam_core::{Config, Environment};

use crate::fail::CliError;
use crate::sandbox;
use crate::settings::{Globals, Resolved, Source, Stored, config_path, resolve};

/// The global options and, once needed, the client.
#[derive(Debug)]
pub struct Session {
    /// The global options.
    pub globals: Globals,
    client: RefCell<Option<seam_blocking::Seam>>,
}

impl Session {
    /// A session for `globals`; nothing is read or built yet.
    pub fn new(globals: Globals) -> Self {
        Self {
            globals,
            client: RefCell::new(None),
        }
    }

    /// Flags over the environment over the stored file (over the sandbox's key with
    /// `--sandbox`).
    pub fn resolved(&self) -> Result<Resolved, CliError> {
        let env = Environment::from_process();
        let (stored, load_error) = match config_path().and_then(|p| Stored::load(&p)) {
            Ok(s) => (s, None),
            Err(e) => (Stored::default(), Some(e)),
        };
        let sandbox_key = self.globals.sandbox.then_some(sandbox::API_KEY);
        let mut resolved = resolve(&self.globals, &env, &stored, sandbox_key);
        if self.globals.sandbox && self.globals.endpoint.is_none() {
            resolved.builder = resolved.builder.endpoint(sandbox::ENDPOINT);
            resolved.endpoint = sandbox::ENDPOINT.to_owned();
            resolved.endpoint_source = Source::Sandbox;
        }
        match load_error {
            // The stored file was needed and could not be read: say why.
            Some(e) if resolved.token_source == Source::None => Err(e),
            _ => Ok(resolved),
        }
    }

    /// The configuration in force, checked by core.
    pub fn config(&self) -> Result<Config, CliError> {
        self.resolved()?.build()
    }

    /// The blocking client: over HTTP, or over the sandbox file with `--sandbox`.
    pub fn client(&self) -> Result<seam_blocking::Seam, CliError> {
        if let Some(client) = self.client.borrow().as_ref() {
            return Ok(client.clone());
        }
        let config = self.config()?;
        let mut builder = seam_blocking::Seam::builder()
            .credentials(config.credentials.clone())
            .endpoint(config.endpoint.as_str())
            .timeout(config.timeout)
            .allow_insecure_http(config.allow_insecure_http);
        if self.globals.sandbox {
            builder = builder.transport(sandbox::open(&self.globals)?);
        }
        let client = builder.build()?;
        *self.client.borrow_mut() = Some(client.clone());
        Ok(client)
    }
}
