//! Lists the workspace's locks and unlocks one, with the async client: the job after
//! add_acs_user, written as it would be against the real API.
//!
//! ```text
//! SEAM_API_KEY=seam_… cargo run -p seamapi --example unlock_door             # lists the locks
//! SEAM_API_KEY=seam_… cargo run -p seamapi --example unlock_door -- DEVICE_ID # unlocks one
//! ```
//! Exits 1 with the error on stderr when a call fails.

use seamapi::routes::{LocksList, LocksUnlockDoor};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), seamapi::Error> {
    let seam = seamapi::Seam::from_env()?;
    let Some(device_id) = std::env::args().nth(1) else {
        for lock in seam.locks().list(LocksList::new().limit(20)).await? {
            let locked = match lock.properties.as_ref().and_then(|p| p.locked) {
                Some(true) => "locked",
                Some(false) => "unlocked",
                None => "?",
            };
            println!("{}  {}  {locked}", lock.device_id, lock.display_name);
        }
        return Ok(());
    };
    // An unlock is an action: the answer is an attempt, and the client waits until Seam says it
    // is done (every 0.5 s, up to 5 s; `ActionWait` changes that). It is never retried once it
    // may have reached the server (a replay could unlock twice); the reads of the attempt are.
    match seam
        .locks()
        .unlock_door(LocksUnlockDoor::new(device_id))
        .await
    {
        Ok(attempt) => println!("{} {}", attempt.action_attempt_id(), attempt.kind()),
        Err(seamapi::Error::ActionAttemptFailed(failed)) => {
            eprintln!("the unlock failed: {failed:?}");
            std::process::exit(1);
        }
        Err(seamapi::Error::ActionAttemptTimedOut(pending)) => {
            // The action may still happen: look again later.
            let attempt = seam
                .wait_for_action_attempt(&pending.action_attempt_id)
                .await?;
            println!(
                "{} {} (after a second wait)",
                attempt.action_attempt_id(),
                attempt.kind()
            );
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
