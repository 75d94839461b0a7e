// Shared by the async and blocking examples: the command line of `add_acs_user`.

use seamapi::routes::{AddAcsUser, UserIdentityRef};

pub const USAGE: &str = "usage: add_acs_user --acs_user_id ID (--user_identity_id ID | --user_identity_key KEY)\n\
credentials and endpoint come from SEAM_API_KEY (or SEAM_PERSONAL_ACCESS_TOKEN + SEAM_WORKSPACE_ID) and SEAM_ENDPOINT";

/// Parses `--acs_user_id ID` and one of `--user_identity_id ID` / `--user_identity_key KEY`
/// (dashes or underscores); the values themselves are validated by the client.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<AddAcsUser, String> {
    let (mut acs_user_id, mut identity) = (None, None);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let name = flag.trim_start_matches('-').replace('-', "_");
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match name.as_str() {
            "acs_user_id" => acs_user_id = Some(value),
            "user_identity_id" | "user_identity_key" if identity.is_some() => {
                return Err(format!(
                    "give only one of --user_identity_id and --user_identity_key\n{USAGE}"
                ));
            }
            "user_identity_id" => identity = Some(UserIdentityRef::id(value)),
            "user_identity_key" => identity = Some(UserIdentityRef::key(value)),
            "help" | "h" => return Err(USAGE.to_owned()),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    let acs_user_id = acs_user_id.ok_or_else(|| format!("--acs_user_id is required\n{USAGE}"))?;
    let identity = identity.ok_or_else(|| {
        format!("one of --user_identity_id or --user_identity_key is required\n{USAGE}")
    })?;
    Ok(AddAcsUser::new(acs_user_id, identity))
}
