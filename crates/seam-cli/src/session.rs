//! One invocation's configuration and its client, built on first use.

use std::cell::RefCell;

use seamapi_core::{AuthSet, Config, Environment, RouteInfo};

use crate::fail::CliError;
use crate::sandbox;
use crate::settings::{Globals, Resolved, Source, Stored, config_path, resolve};

/// The global options and, once needed, the client.
#[derive(Debug)]
pub struct Session {
    /// The global options.
    pub globals: Globals,
    /// The client built last, with the kind of credentials it holds.
    client: RefCell<Option<(AuthSet, seamapi_blocking::Seam)>>,
    /// The sandbox behind the client, with `--sandbox`.
    sandbox: RefCell<Option<seamapi_fake::Sandbox>>,
}

impl Session {
    /// A session for `globals`; nothing is read or built yet.
    pub fn new(globals: Globals) -> Self {
        Self {
            globals,
            client: RefCell::new(None),
            sandbox: RefCell::new(None),
        }
    }

    /// `error` as it is reported: a failure of the sandbox file reaches the client as a
    /// transport error (the client knows no files), but it is a local one, with the path and
    /// a hint about the file, not about the network.
    pub fn explain(&self, error: CliError) -> CliError {
        let transport = matches!(
            &error,
            CliError::Seam(seamapi_core::Error::Transport(_))
                | CliError::Seam(seamapi_core::Error::DeadlineExceeded { .. })
        );
        match self
            .sandbox
            .borrow()
            .as_ref()
            .and_then(|s| s.take_failure())
        {
            Some(failure) if transport => sandbox::sandbox_error(failure),
            _ => error,
        }
    }

    /// Flags over the environment over the stored file (over the sandbox's key with
    /// `--sandbox`), in a workspace unless `--without-workspace` is given.
    pub fn resolved(&self) -> Result<Resolved, CliError> {
        self.resolved_with(self.globals.without_workspace)
    }

    fn resolved_with(&self, without_workspace: bool) -> Result<Resolved, CliError> {
        let env = Environment::from_process();
        let (stored, load_error) = match config_path().and_then(|p| Stored::load(&p)) {
            Ok(s) => (s, None),
            Err(e) => (Stored::default(), Some(e)),
        };
        let sandbox_key = self.globals.sandbox.then_some(sandbox::API_KEY);
        let mut resolved = resolve(&self.globals, &env, &stored, sandbox_key, without_workspace);
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

    /// The configuration for calling `route`: as [`Session::resolved`], but without a
    /// workspace when the route takes the token that way and no workspace id is set (a
    /// personal access token alone, for `workspaces list` or `workspaces create`).
    pub fn resolved_for(&self, route: Option<&RouteInfo>) -> Result<Resolved, CliError> {
        let resolved = self.resolved()?;
        match route {
            Some(route) if resolved.fits_without_workspace(route) => self.resolved_with(true),
            _ => Ok(resolved),
        }
    }

    /// The configuration in force for `route` (any route: `None`), checked by core.
    pub fn config_for(&self, route: Option<&RouteInfo>) -> Result<Config, CliError> {
        self.resolved_for(route)?.build()
    }

    /// The blocking client for `route`: over HTTP, or over the sandbox file with `--sandbox`.
    pub fn client_for(
        &self,
        route: Option<&RouteInfo>,
    ) -> Result<seamapi_blocking::Seam, CliError> {
        let config = self.config_for(route)?;
        let kind = config.credentials.auth_kind();
        if let Some((cached, client)) = self.client.borrow().as_ref()
            && *cached == kind
        {
            return Ok(client.clone());
        }
        let network = crate::network::Network::from_process(&self.globals)?;
        let mut builder = network.apply(
            seamapi_blocking::Seam::builder()
                .credentials(config.credentials.clone())
                .endpoint(config.endpoint.as_str())
                .timeout(config.timeout)
                .allow_insecure_http(config.allow_insecure_http),
        );
        if self.globals.sandbox {
            let sandbox = sandbox::open(&self.globals)?;
            // The sandbox is local: retrying a failed file operation (or a lock wait) helps
            // nothing, and would multiply the wait.
            let mut once = seamapi_core::RetryPolicy::default();
            once.max_attempts = 1;
            builder = builder.transport(sandbox.clone()).retry_policy(once);
            *self.sandbox.borrow_mut() = Some(sandbox);
        }
        let client = builder.build().map_err(|e| network.explain(e))?;
        *self.client.borrow_mut() = Some((kind, client.clone()));
        Ok(client)
    }
}
