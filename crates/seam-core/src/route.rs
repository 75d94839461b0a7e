//! The [`Route`] trait: one endpoint's path, method, parameters, output and retry property.

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::InvalidInput;
use crate::params::ParamSpec;
use crate::resources::Page;

/// One endpoint of the Seam API.
///
/// A value of a route type holds the parameters of one call. The facades send it, the fake
/// serves it, the CLI derives its flags from [`Route::PARAMS`], all from this one description.
pub trait Route: Serialize + Send + Sync + 'static {
    /// The route's name, `namespace.method`, e.g. `user_identities.add_acs_user`.
    const NAME: &'static str;
    /// The path, e.g. `/user_identities/add_acs_user`.
    const PATH: &'static str;
    /// The method this client sends. Parameters always travel as a JSON body.
    const METHOD: Method;
    /// Whether sending the request twice has the same effect as sending it once. Retries after
    /// the request may have reached the server follow this, not the HTTP method.
    const IDEMPOTENT: bool;
    /// The parameters, for validation on either side of the wire and for the CLI's flags.
    const PARAMS: &'static [ParamSpec];
    /// The key the resource is under in the answer (`user_identity`), `None` for void routes.
    const OUTPUT_KEY: Option<&'static str>;

    /// The answer's body as decoded from JSON.
    type Response: DeserializeOwned;
    /// What the call returns to the caller.
    type Output: Serialize + Send + 'static;

    /// Checks the parameters with the rules of [`Route::PARAMS`] before anything is sent.
    fn validate(&self) -> Result<(), InvalidInput>;

    /// Takes the output out of the decoded answer.
    fn into_output(response: Self::Response) -> Self::Output;
}

/// A `list` route that returns one page at a time.
pub trait Paginated: Route<Output = Page<Self::Item>> + Clone {
    /// The listed resource.
    type Item: Send + 'static;

    /// The cursor this request asks for (`None` for the first page).
    fn page_cursor(&self) -> Option<&str>;

    /// The same request for the page at `cursor`.
    fn with_page_cursor(&self, cursor: String) -> Self;
}

/// The answer of a route that returns nothing: `{"ok": true}` or `{}`.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
pub struct Void {}

/// Defines a route whose parameters are plain required and optional fields: the struct with
/// its constructor and setters, its [`ParamSpec`] table, its validation and its [`Route`]
/// implementation.
#[macro_export]
#[doc(hidden)]
macro_rules! define_route {
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $path:literal as $route_name:literal {
            method: $method:ident,
            idempotent: $idempotent:literal,
            output: $output:ty,
            response: $response:ty,
            key: $key:expr,
            into_output: |$r:ident| $into:expr,
        }
        required {
            $($(#[doc = $rdoc:literal])* $rfield:ident : $rty:ty => $rkind:ident,)*
        }
        optional {
            $($(#[doc = $odoc:literal])* $ofield:ident : $oty:ty => $okind:ident,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $($(#[doc = $rdoc])* pub $rfield: $rty,)*
            $($(#[doc = $odoc])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $ofield: Option<$oty>,)*
        }

        impl $name {
            /// The request, with its required parameters.
            #[allow(clippy::new_without_default)]
            pub fn new($($rfield: impl Into<$rty>),*) -> Self {
                Self { $($rfield: $rfield.into(),)* $($ofield: None,)* }
            }

            $(
                $(#[doc = $odoc])*
                pub fn $ofield(mut self, value: impl Into<$oty>) -> Self {
                    self.$ofield = Some(value.into());
                    self
                }
            )*
        }

        impl $crate::Route for $name {
            const NAME: &'static str = $route_name;
            const PATH: &'static str = $path;
            const METHOD: $crate::http::Method = $crate::http::Method::$method;
            const IDEMPOTENT: bool = $idempotent;
            const PARAMS: &'static [$crate::params::ParamSpec] = &[
                $($crate::params::ParamSpec {
                    name: stringify!($rfield),
                    kind: $crate::params::ParamKind::$rkind,
                    requirement: $crate::params::Requirement::Required,
                    doc: concat!($($rdoc),*),
                },)*
                $($crate::params::ParamSpec {
                    name: stringify!($ofield),
                    kind: $crate::params::ParamKind::$okind,
                    requirement: $crate::params::Requirement::Optional,
                    doc: concat!($($odoc),*),
                },)*
            ];
            const OUTPUT_KEY: Option<&'static str> = $key;
            type Response = $response;
            type Output = $output;

            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn validate(&self) -> Result<(), $crate::InvalidInput> {
                let mut errors = $crate::ValidationErrors::new();
                let specs = <Self as $crate::Route>::PARAMS;
                let mut i = 0;
                $($crate::params::ParamValue::check(&self.$rfield, &specs[i], &mut errors); i += 1;)*
                $($crate::params::ParamValue::check(&self.$ofield, &specs[i], &mut errors); i += 1;)*
                errors.into_result()
            }

            fn into_output($r: Self::Response) -> Self::Output {
                $into
            }
        }
    };
}
