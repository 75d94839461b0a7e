//! One request against a [`State`]: routing by [`seamapi_api::ROUTES`], authentication, method
//! and body checks, validation with core's rules and the route's parameters, then the rules of
//! the [`MODELLED`] routes, or `501 not_implemented` for every other route of the table.
//! Pure: no I/O, no lock, no clock but the creation time of new identities.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use seamapi_api::resources::{AcsUser, UserIdentity};
use seamapi_api::routes::{
    AddAcsUser, CreateUserIdentity, DeleteUserIdentity, GetAcsUser, GetUserIdentity, ListAcsUsers,
    ListUserIdentities, ListUserIdentityAcsUsers, RemoveAcsUser, UserIdentityRef,
};
use seamapi_core::codec::{REQUEST_ID_HEADER, WORKSPACE_HEADER};
use seamapi_core::params::{json_type, validate_json};
use seamapi_core::{AuthSet, Pagination, Route, RouteInfo, ValidationErrors};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::error::{ApiFailure, ErrorType};
use crate::query;
use crate::state::{NewIdentity, State};

/// The page size when a list request gives no `limit`.
pub const DEFAULT_LIMIT: usize = 500;

/// The longest string (in characters) the fake accepts in any parameter, at any depth: a
/// longer one is refused `400 invalid_input` with zod's message, on every route, so no
/// stored value can make a default page of a list approach a client's 16 MiB limit on an
/// answer (`docs/sandbox.md`).
pub const MAX_STRING_CHARS: usize = 1024;

/// What one request did: the answer, and whether the state changed (so a sandbox knows
/// whether to write it back).
#[derive(Debug)]
pub struct Handled {
    /// The answer, with its `seam-request-id` header.
    pub response: Response<Bytes>,
    /// Whether the state was changed.
    pub changed: bool,
}

/// An answer before it becomes a response.
enum Reply {
    Json(Value),
    Error(ApiFailure),
    Text(StatusCode, &'static str),
}

impl From<ApiFailure> for Reply {
    fn from(e: ApiFailure) -> Self {
        Self::Error(e)
    }
}

/// A request id unique across processes: this process's id, a per-process random part and a
/// counter, in the shape of a UUID.
pub fn new_request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SALT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let salt = *SALT.get_or_init(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.finish()
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        std::process::id(),
        (salt >> 48) & 0xffff,
        (salt >> 36) & 0xfff,
        (salt >> 24) & 0xfff,
        n & 0xffff_ffff_ffff,
    )
}

/// The response for a JSON error, with its `seam-request-id`.
pub fn failure_response(failure: &ApiFailure) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(failure.body()));
    *response.status_mut() = failure.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&new_request_id()) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    response
}

/// Handles `request` against `state`.
pub fn handle(state: &mut State, request: &Request<Bytes>) -> Handled {
    let mut changed = false;
    let reply = dispatch(state, request, &mut changed).unwrap_or_else(|r| r);
    let (status, content_type, body) = match reply {
        Reply::Json(v) => (
            StatusCode::OK,
            "application/json",
            serde_json::to_vec(&v).unwrap_or_default(),
        ),
        Reply::Error(e) => (e.status, "application/json", e.body()),
        Reply::Text(status, text) => (
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        ),
    };
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(&new_request_id()) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    Handled { response, changed }
}

/// The routes the fake models (answers with its rules); every other route of
/// [`seamapi_api::ROUTES`] is checked like these, then answered `501 not_implemented`.
pub static MODELLED: [&RouteInfo; 9] = [
    &AddAcsUser::INFO,
    &CreateUserIdentity::INFO,
    &GetUserIdentity::INFO,
    &ListUserIdentities::INFO,
    &DeleteUserIdentity::INFO,
    &ListUserIdentityAcsUsers::INFO,
    &RemoveAcsUser::INFO,
    &GetAcsUser::INFO,
    &ListAcsUsers::INFO,
];

/// Whether the fake models `route` (answers it with its rules, not with `501`).
pub fn models(route: &RouteInfo) -> bool {
    Model::of(route).is_some()
}

/// One of the [`MODELLED`] routes.
#[derive(Clone, Copy)]
enum Model {
    AddAcsUser,
    Create,
    Get,
    List,
    Delete,
    ListAcsUsers,
    RemoveAcsUser,
    AcsUsersGet,
    AcsUsersList,
}

impl Model {
    fn of(route: &RouteInfo) -> Option<Self> {
        Some(match route.path {
            p if p == AddAcsUser::INFO.path => Self::AddAcsUser,
            p if p == CreateUserIdentity::INFO.path => Self::Create,
            p if p == GetUserIdentity::INFO.path => Self::Get,
            p if p == ListUserIdentities::INFO.path => Self::List,
            p if p == DeleteUserIdentity::INFO.path => Self::Delete,
            p if p == ListUserIdentityAcsUsers::INFO.path => Self::ListAcsUsers,
            p if p == RemoveAcsUser::INFO.path => Self::RemoveAcsUser,
            p if p == GetAcsUser::INFO.path => Self::AcsUsersGet,
            p if p == ListAcsUsers::INFO.path => Self::AcsUsersList,
            _ => return None,
        })
    }
}

/// The route of the table at `path` (a trailing `/` is ignored), from a map built once from
/// [`seamapi_api::ROUTES`].
pub fn route_of(path: &str) -> Option<&'static RouteInfo> {
    static TABLE: OnceLock<HashMap<&'static str, &'static RouteInfo>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        seamapi_api::ROUTES
            .iter()
            .map(|info| (info.path, *info))
            .collect()
    });
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    table.get(path).copied()
}

/// The methods `route` accepts: `POST` (Seam accepts it on every route) and the method
/// Seam's SDKs send it with, in alphabetical order (`DELETE,POST`, `GET,POST`, `POST,PUT`).
pub fn accepted_methods(route: &RouteInfo) -> Vec<Method> {
    let mut methods = vec![Method::POST];
    let own = route.method.to_http();
    if own != Method::POST {
        methods.push(own);
    }
    methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    methods
}

fn dispatch(state: &mut State, req: &Request<Bytes>, changed: &mut bool) -> Result<Reply, Reply> {
    let Some(route) = route_of(req.uri().path()) else {
        return Err(Reply::Text(StatusCode::NOT_FOUND, "404"));
    };
    let caller = authenticate(state, req.headers(), route)?;
    let methods = accepted_methods(route);
    if !methods.contains(req.method()) {
        let names: Vec<&str> = methods.iter().map(Method::as_str).collect();
        return Err(ApiFailure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorType::MethodNotAllowed,
            format!("only {} accepted", names.join(",")),
        )
        .into());
    }
    let object = params(req, route)?;
    let Some(model) = Model::of(route) else {
        return Err(ApiFailure::not_modelled(route).into());
    };
    let Some(workspace) = caller.workspace.as_deref() else {
        // Every modelled route acts in a workspace, and `authenticate` lets no caller without
        // one through to them; refuse rather than act nowhere.
        return Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            ErrorType::Unauthorized,
            format!("{} needs a workspace", route.name),
        )
        .into());
    };
    let ctx = Ctx {
        workspace,
        base_url: base_url(req),
    };
    let json = match model {
        Model::AddAcsUser => add_acs_user(state, &ctx, typed(object)?, changed)?,
        Model::Create => create(state, &ctx, typed(object)?, changed)?,
        Model::Get => get(state, &ctx, typed(object)?)?,
        Model::List => list(state, &ctx, typed(object)?)?,
        Model::Delete => delete(state, &ctx, typed(object)?, changed)?,
        Model::ListAcsUsers => list_acs_users(state, &ctx, typed(object)?)?,
        Model::RemoveAcsUser => remove_acs_user(state, &ctx, typed(object)?, changed)?,
        Model::AcsUsersGet => acs_users_get(state, &ctx, typed(object)?)?,
        Model::AcsUsersList => acs_users_list(state, &ctx, typed(object)?)?,
    };
    Ok(Reply::Json(json))
}

struct Ctx<'a> {
    workspace: &'a str,
    base_url: Option<String>,
}

/// Who is calling: which kind of credentials, and the workspace they act in (`None` for a
/// personal access token without `seam-workspace`, on the routes that take one).
struct Caller {
    kind: AuthSet,
    workspace: Option<String>,
}

/// The caller, or the 401 Seam's fake answers. The fake knows API keys and personal access
/// tokens (with `seam-workspace`, or without it on the routes that accept that, such as
/// `workspaces/list`); any other token is an unknown API key. Credentials that `route` does
/// not accept ([`RouteInfo::auth`]) are refused, naming what it accepts.
fn authenticate(
    state: &State,
    headers: &HeaderMap,
    route: &RouteInfo,
) -> Result<Caller, ApiFailure> {
    let unauthorized =
        |m: &str| ApiFailure::new(StatusCode::UNAUTHORIZED, ErrorType::Unauthorized, m);
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(unauthorized("No Authorization header"));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("No token provided"))?;
    let caller = if token.starts_with("seam_at") {
        let workspace = headers.get(WORKSPACE_HEADER).and_then(|v| v.to_str().ok());
        let without_workspace = AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE;
        if workspace.is_none() && !route.auth.contains(without_workspace) {
            return Err(ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                ErrorType::AccessTokenUsedForApiKey,
                "A personal access token was used as an API key: pass the workspace id in the seam-workspace header",
            ));
        }
        let Some(workspaces) = state.personal_access_tokens.get(token) else {
            return Err(unauthorized("Personal access token not found"));
        };
        match workspace {
            None => Caller {
                kind: without_workspace,
                workspace: None,
            },
            Some(workspace) => {
                if !workspaces.iter().any(|w| w == workspace)
                    || !state.workspaces.contains_key(workspace)
                {
                    return Err(unauthorized(
                        "The personal access token cannot access this workspace",
                    ));
                }
                Caller {
                    kind: AuthSet::PERSONAL_ACCESS_TOKEN,
                    workspace: Some(workspace.to_owned()),
                }
            }
        }
    } else {
        match state.api_keys.get(token) {
            Some(ws) if state.workspaces.contains_key(ws) => Caller {
                kind: AuthSet::API_KEY,
                workspace: Some(ws.clone()),
            },
            _ => return Err(unauthorized("API Key not found")),
        }
    };
    seamapi_core::check_auth_kind(route.name, route.auth, caller.kind)
        .map_err(|e| unauthorized(&e.to_string()))?;
    Ok(caller)
}

/// `scheme://authority` of the request, for `next_page_url`.
fn base_url(req: &Request<Bytes>) -> Option<String> {
    if let (Some(scheme), Some(authority)) = (req.uri().scheme_str(), req.uri().authority()) {
        return Some(format!("{scheme}://{authority}"));
    }
    let host = req.headers().get(HOST)?.to_str().ok()?;
    Some(format!("http://{host}"))
}

fn is_json_content_type(headers: &HeaderMap) -> Option<bool> {
    let v = headers.get(CONTENT_TYPE)?;
    let v = v.to_str().unwrap_or_default();
    let essence = v.split(';').next().unwrap_or_default().trim();
    Some(
        essence.eq_ignore_ascii_case("application/json")
            || (essence.len() > 5
                && essence[..essence.len() - 5].contains('/')
                && essence.to_ascii_lowercase().ends_with("+json")),
    )
}

/// The request's parameters: its JSON body, or its query string when the body is empty
/// (typed by the route's parameters, [`query::parse`]); checked with core's [`validate_json`]
/// against the route's parameters, as Seam checks them. `null` means "not given" and is
/// dropped.
fn params(req: &Request<Bytes>, route: &RouteInfo) -> Result<Map<String, Value>, Reply> {
    let body = req.body();
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        let json = is_json_content_type(req.headers());
        if json == Some(false) || (json.is_none() && has_body) {
            return Err(ApiFailure::new(
                StatusCode::BAD_REQUEST,
                ErrorType::InvalidContentType,
                "Content-Type must be application/json",
            )
            .into());
        }
    }
    let mut object = if has_body {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(o)) => o,
            Ok(other) => {
                let mut errors = ValidationErrors::new();
                errors.add_form(format!("Expected object, received {}", json_type(&other)));
                return Err(ApiFailure::invalid_input(errors).into());
            }
            Err(_) => return Err(Reply::Text(StatusCode::BAD_REQUEST, "Invalid JSON")),
        }
    } else {
        query::parse(req.uri().query().unwrap_or_default(), route.params)
    };
    let mut errors = validate_json(route.params, &object);
    if errors.is_empty() {
        for spec in route.params {
            if object.get(spec.name).is_some_and(has_long_string) {
                errors.add(
                    spec.name,
                    format!("String must contain at most {MAX_STRING_CHARS} character(s)"),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiFailure::invalid_input(errors).into());
    }
    object.retain(|_, v| !v.is_null());
    Ok(object)
}

/// Whether `value` holds a string (or an object key) longer than [`MAX_STRING_CHARS`].
fn has_long_string(value: &Value) -> bool {
    let long = |s: &str| s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS;
    match value {
        Value::String(s) => long(s),
        Value::Array(items) => items.iter().any(has_long_string),
        Value::Object(map) => map.iter().any(|(k, v)| long(k) || has_long_string(v)),
        _ => false,
    }
}

/// Validated parameters as the route's request type.
fn typed<R: DeserializeOwned>(object: Map<String, Value>) -> Result<R, Reply> {
    serde_json::from_value::<R>(Value::Object(object)).map_err(|e| {
        let mut errors = ValidationErrors::new();
        errors.add_form(seamapi_core::params::bounded_message(e.to_string()));
        ApiFailure::invalid_input(errors).into()
    })
}

/// The identity a request names, whatever the generated enum that holds it (`add_acs_user`'s
/// and `get`'s are built from the same one-of): each is `{"user_identity_id": …}` or
/// `{"user_identity_key": …}` on the wire. An empty key is refused, as the fake always has.
fn identity_ref<T: Serialize>(named: &T) -> Result<UserIdentityRef, ApiFailure> {
    let named: UserIdentityRef = serde_json::to_value(named)
        .and_then(serde_json::from_value)
        .map_err(|e| ApiFailure::internal(format!("could not read the user identity: {e}")))?;
    if let UserIdentityRef::Key(key) = &named
        && key.is_empty()
    {
        return Err(ApiFailure::invalid_param(
            "user_identity_key",
            "String must contain at least 1 character(s)",
        ));
    }
    Ok(named)
}

fn ok() -> Value {
    json!({"ok": true})
}

fn add_acs_user(
    state: &mut State,
    ctx: &Ctx<'_>,
    p: AddAcsUser,
    changed: &mut bool,
) -> Result<Value, ApiFailure> {
    let named = identity_ref(&p.user_identity)?;
    let acs_user = state.find_acs_user(ctx.workspace, &p.acs_user_id)?.clone();
    let identity_id = match &named {
        UserIdentityRef::Id(id) => state
            .find_user_identity(ctx.workspace, id)?
            .user_identity_id
            .clone(),
        UserIdentityRef::Key(key) => match state.user_identity_by_key(ctx.workspace, key) {
            Some(identity) => identity.user_identity_id.clone(),
            None => {
                // Refuse before creating anything: the ACS user belongs to someone else.
                if acs_user.user_identity_id.is_some() {
                    return Err(ApiFailure::new(
                        StatusCode::CONFLICT,
                        ErrorType::AcsUserAlreadyLinked,
                        "The ACS user is already linked to another user identity",
                    ));
                }
                let identity = state.create_identity(
                    ctx.workspace,
                    NewIdentity {
                        user_identity_key: Some(key.clone()),
                        email_address: acs_user.email_address.clone(),
                        phone_number: acs_user.phone_number.clone(),
                        full_name: acs_user.full_name.clone(),
                    },
                )?;
                *changed = true;
                identity.user_identity_id
            }
        },
    };
    *changed |= state.link(&acs_user.acs_user_id, &identity_id)?;
    Ok(ok())
}

fn create(
    state: &mut State,
    ctx: &Ctx<'_>,
    p: CreateUserIdentity,
    changed: &mut bool,
) -> Result<Value, ApiFailure> {
    // `acs_system_ids` is accepted (and validated) but not applied: the fake has no
    // credential-manager systems to create ACS users in.
    let identity = state.create_identity(
        ctx.workspace,
        NewIdentity {
            user_identity_key: p.user_identity_key,
            email_address: p.email_address,
            phone_number: p.phone_number,
            full_name: p.full_name,
        },
    )?;
    *changed = true;
    Ok(json!({"user_identity": identity, "ok": true}))
}

fn get(state: &State, ctx: &Ctx<'_>, p: GetUserIdentity) -> Result<Value, ApiFailure> {
    let identity =
        match &identity_ref(&p.user_identity)? {
            UserIdentityRef::Id(id) => state.find_user_identity(ctx.workspace, id)?,
            UserIdentityRef::Key(key) => state
                .user_identity_by_key(ctx.workspace, key)
                .ok_or_else(|| {
                    ApiFailure::new(
                        StatusCode::NOT_FOUND,
                        ErrorType::UserIdentityNotFound,
                        "User identity not found",
                    )
                })?,
        };
    Ok(json!({"user_identity": identity, "ok": true}))
}

fn contains_ci(haystack: Option<&str>, needle_lower: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle_lower))
}

fn parse_time(s: Option<&str>) -> Option<OffsetDateTime> {
    s.and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
}

fn list(state: &State, ctx: &Ctx<'_>, p: ListUserIdentities) -> Result<Value, ApiFailure> {
    let search = p.search.as_deref().map(str::to_lowercase);
    let before = parse_time(p.created_before.as_deref());
    let items: Vec<&UserIdentity> = state
        .user_identities
        .values()
        .filter(|u| u.workspace_id == ctx.workspace)
        .filter(|u| {
            search.as_deref().is_none_or(|s| {
                contains_ci(u.full_name.as_deref(), s)
                    || contains_ci(u.email_address.as_deref(), s)
                    || contains_ci(u.phone_number.as_deref(), s)
                    || contains_ci(u.user_identity_key.as_deref(), s)
                    || contains_ci(Some(&u.user_identity_id), s)
            })
        })
        .filter(|u| before.is_none_or(|b| u.created_at < b))
        .filter(|u| {
            p.user_identity_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&u.user_identity_id))
        })
        .filter(|u| {
            p.credential_manager_acs_system_id
                .as_deref()
                .is_none_or(|sys| {
                    u.acs_user_ids.iter().any(|a| {
                        state
                            .acs_users
                            .get(a)
                            .is_some_and(|a| a.acs_system_id == sys)
                    })
                })
        })
        .collect();
    let (page, pagination) = paginate(
        items,
        |u| (u.created_at, u.user_identity_id.as_str()),
        ListUserIdentities::INFO.path,
        p.limit,
        p.page_cursor.as_deref(),
        ctx,
    )?;
    Ok(json!({"user_identities": page, "pagination": pagination, "ok": true}))
}

fn delete(
    state: &mut State,
    ctx: &Ctx<'_>,
    p: DeleteUserIdentity,
    changed: &mut bool,
) -> Result<Value, ApiFailure> {
    let id = state
        .find_user_identity(ctx.workspace, &p.user_identity_id)?
        .user_identity_id
        .clone();
    state.delete_identity(&id);
    *changed = true;
    Ok(ok())
}

fn list_acs_users(
    state: &State,
    ctx: &Ctx<'_>,
    p: ListUserIdentityAcsUsers,
) -> Result<Value, ApiFailure> {
    let identity = state.find_user_identity(ctx.workspace, &p.user_identity_id)?;
    let users: Vec<&AcsUser> = identity
        .acs_user_ids
        .iter()
        .filter_map(|a| state.acs_users.get(a))
        .collect();
    Ok(json!({"acs_users": users, "ok": true}))
}

fn remove_acs_user(
    state: &mut State,
    ctx: &Ctx<'_>,
    p: RemoveAcsUser,
    changed: &mut bool,
) -> Result<Value, ApiFailure> {
    let identity_id = state
        .find_user_identity(ctx.workspace, &p.user_identity_id)?
        .user_identity_id
        .clone();
    let acs_user_id = state
        .find_acs_user(ctx.workspace, &p.acs_user_id)?
        .acs_user_id
        .clone();
    // Removing a link that does not exist succeeds and changes nothing (safe to repeat).
    *changed |= state.unlink(&acs_user_id, &identity_id);
    Ok(ok())
}

/// `acs/users/get` by `acs_user_id` (with `acs_system_id`, the user must be in that
/// system). Naming neither `acs_user_id` nor `user_identity_id` is `acs_user_id: Required`, as
/// it always was in the fake; both is refused, as Seam's documentation says; by
/// `user_identity_id` alone is not modelled (`501`).
fn acs_users_get(state: &State, ctx: &Ctx<'_>, p: GetAcsUser) -> Result<Value, ApiFailure> {
    let id = match (&p.acs_user_id, &p.user_identity_id) {
        (Some(id), None) => id,
        (None, None) => return Err(ApiFailure::invalid_param("acs_user_id", "Required")),
        (Some(_), Some(_)) => {
            let mut errors = ValidationErrors::new();
            errors.add_form("You can only provide acs_user_id or user_identity_id");
            return Err(ApiFailure::invalid_input(errors));
        }
        (None, Some(_)) => {
            return Err(ApiFailure::new(
                StatusCode::NOT_IMPLEMENTED,
                ErrorType::NotImplemented,
                format!(
                    "the fake does not model {} by user_identity_id ({}); it validated the request: use Seam's sandbox or the real API, or name the acs_user_id",
                    GetAcsUser::INFO.path,
                    GetAcsUser::INFO.name
                ),
            ));
        }
    };
    let user = state.find_acs_user(ctx.workspace, id)?;
    if p.acs_system_id
        .as_deref()
        .is_some_and(|system| system != user.acs_system_id)
    {
        return Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            ErrorType::AcsUserNotFound,
            "ACS user not found",
        ));
    }
    Ok(json!({"acs_user": user, "ok": true}))
}

fn acs_users_list(state: &State, ctx: &Ctx<'_>, p: ListAcsUsers) -> Result<Value, ApiFailure> {
    let search = p.search.as_deref().map(str::to_lowercase);
    let before = parse_time(p.created_before.as_deref());
    let items: Vec<&AcsUser> = state
        .acs_users
        .values()
        .filter(|u| u.workspace_id == ctx.workspace)
        .filter(|u| {
            p.acs_system_id
                .as_deref()
                .is_none_or(|s| u.acs_system_id == s)
        })
        .filter(|u| {
            p.user_identity_id
                .as_deref()
                .is_none_or(|s| u.user_identity_id.as_deref() == Some(s))
        })
        .filter(|u| {
            p.user_identity_email_address.as_deref().is_none_or(|s| {
                u.user_identity_email_address
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(s))
            })
        })
        .filter(|u| {
            p.user_identity_phone_number
                .as_deref()
                .is_none_or(|s| u.user_identity_phone_number.as_deref() == Some(s))
        })
        .filter(|u| {
            search.as_deref().is_none_or(|s| {
                contains_ci(u.full_name.as_deref(), s)
                    || contains_ci(Some(&u.display_name), s)
                    || contains_ci(u.email_address.as_deref(), s)
                    || contains_ci(u.phone_number.as_deref(), s)
                    || contains_ci(Some(&u.acs_user_id), s)
                    || contains_ci(u.user_identity_id.as_deref(), s)
            })
        })
        .filter(|u| before.is_none_or(|b| u.created_at < b))
        .collect();
    let (page, pagination) = paginate(
        items,
        |u| (u.created_at, u.acs_user_id.as_str()),
        ListAcsUsers::INFO.path,
        p.limit,
        p.page_cursor.as_deref(),
        ctx,
    )?;
    Ok(json!({"acs_users": page, "pagination": pagination, "ok": true}))
}

/// One page of `items` ordered by `(created_at, id)`. The cursor is the sort key of the last
/// item handed out, hex-encoded, so pages stay right when items are added or removed between
/// requests.
fn paginate<'a, T>(
    mut items: Vec<&'a T>,
    key: impl Fn(&T) -> (OffsetDateTime, &str),
    path: &str,
    limit: Option<i64>,
    cursor: Option<&str>,
    ctx: &Ctx<'_>,
) -> Result<(Vec<&'a T>, Pagination), ApiFailure> {
    items.sort_by(|a, b| key(a).cmp(&key(b)));
    let limit = limit
        .map_or(DEFAULT_LIMIT, |l| usize::try_from(l).unwrap_or(1))
        .max(1);
    if let Some(cursor) = cursor {
        let (nanos, id) = decode_cursor(cursor)
            .ok_or_else(|| ApiFailure::invalid_param("page_cursor", "Invalid page cursor"))?;
        items.retain(|item| {
            let (t, i) = key(item);
            (t.unix_timestamp_nanos(), i) > (nanos, id.as_str())
        });
    }
    let has_next_page = items.len() > limit;
    items.truncate(limit);
    let next_page_cursor = match items.last() {
        Some(last) if has_next_page => {
            let (t, id) = key(last);
            Some(encode_cursor(t.unix_timestamp_nanos(), id))
        }
        _ => None,
    };
    let next_page_url = match (&next_page_cursor, &ctx.base_url) {
        (Some(c), Some(base)) => Some(format!("{base}{path}?page_cursor={c}")),
        _ => None,
    };
    Ok((
        items,
        Pagination {
            has_next_page,
            next_page_cursor,
            next_page_url,
        },
    ))
}

fn encode_cursor(nanos: i128, id: &str) -> String {
    let raw = format!("c1|{nanos}|{id}");
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<(i128, String)> {
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
        .collect();
    let raw = String::from_utf8(bytes?).ok()?;
    let mut parts = raw.splitn(3, '|');
    if parts.next()? != "c1" {
        return None;
    }
    let nanos = parts.next()?.parse().ok()?;
    Some((nanos, parts.next()?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = encode_cursor(-5, "abc|d");
        assert_eq!(decode_cursor(&c), Some((-5, "abc|d".to_owned())));
        for bad in ["", "zz", "abc", "é1", "6331"] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn query_strings_are_typed_by_the_route() {
        let q = query::parse(
            "limit=5&user_identity_ids[]=a&user_identity_ids=b&search=x%40y&_strict=true",
            ListUserIdentities::INFO.params,
        );
        assert_eq!(
            Value::Object(q),
            json!({"limit": 5, "user_identity_ids": ["a", "b"], "search": "x@y"})
        );
    }

    #[test]
    fn routes_are_found_by_path_and_accept_post_and_their_method() {
        let add = route_of("/user_identities/add_acs_user/").unwrap();
        assert_eq!(add.name, "user_identities.add_acs_user");
        assert_eq!(accepted_methods(add), [Method::POST, Method::PUT]);
        let get = route_of("/acs/users/get").unwrap();
        assert_eq!(accepted_methods(get), [Method::GET, Method::POST]);
        let delete = route_of("/user_identities/delete").unwrap();
        assert_eq!(accepted_methods(delete), [Method::DELETE, Method::POST]);
        let create = route_of("/user_identities/create").unwrap();
        assert_eq!(accepted_methods(create), [Method::POST]);
        assert!(route_of("/").is_none());
        assert!(route_of("/user_identities/nope").is_none());
        assert!(route_of("").is_none());
        assert_eq!(MODELLED.iter().filter(|r| models(r)).count(), 9);
        let modelled = seamapi_api::ROUTES.iter().filter(|r| models(r)).count();
        assert_eq!(modelled, MODELLED.len());
        for info in MODELLED {
            assert_eq!(route_of(info.path), Some(info));
        }
    }
}
