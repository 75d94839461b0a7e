//! Lists the workspace's locks and unlocks one, with the async client: the job after
//! add_acs_user, written as it would be against the real API.
//!
//! ```text
//! SEAM_API_KEY=seam_… cargo run -p seam --example unlock_door             # lists the locks
//! SEAM_API_KEY=seam_… cargo run -p seam --example unlock_door -- DEVICE_ID # unlocks one
//! ```
//! Exits 1 with the error on stderr when a call fails.

use seam::resources::ActionAttempt;
use seam::routes::{LocksList, LocksUnlockDoor};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), seam::Error> {
    let seam = seam::Seam::from_env()?;
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
    // An unlock is an action: the answer is an attempt that says when it is done. It is never
    // retried once it may have reached the server (a replay could unlock twice).
    let attempt = seam
        .locks()
        .unlock_door(LocksUnlockDoor::new(device_id))
        .await?;
    match &attempt {
        ActionAttempt::UnlockDoor(a) => println!("{} {}", a.action_attempt_id, a.status),
        other => println!("{}", other.kind()),
    }
    Ok(())
}
