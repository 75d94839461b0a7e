//! Adds an ACS user to a user identity with the async client.
//!
//! ```text
//! SEAM_API_KEY=seam_… cargo run -p seamapi --example add_acs_user -- \
//!     --acs_user_id d73f4706-67e3-419d-899e-ec957a75ee0c --user_identity_key jane
//! ```
//! Prints `{}` on success; on failure prints the error to stderr and exits 1 (2 for bad
//! arguments).

#[path = "support/args.rs"]
mod args;

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let request = match args::parse(std::env::args().skip(1)) {
        Ok(r) => r,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let seam = seamapi::Seam::from_env()?;
        seam.user_identities().add_acs_user(request).await
    }
    .await;
    match result {
        Ok(()) => {
            println!("{{}}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
