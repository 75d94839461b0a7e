//! The macros the facades (`seam` and `seam-blocking`) write their route namespaces with, so
//! that both clients have the same namespaces and methods, with the same names and docs, from
//! core's one route table ([`with_routes!`](crate::with_routes)). Only `async`/`.await` and the
//! type that walks pages differ between them. Not part of the public API.

/// The namespace types of a facade whose client type is `$client`: `UserIdentities`, `Acs` and
/// `AcsUsers`, each borrowing the client, and the client's `user_identities()` and `acs()`.
/// Each type takes the doc attributes written before its name.
#[macro_export]
#[doc(hidden)]
macro_rules! facade_namespaces {
    (
        $client:ident;
        $(#[$user_identities:meta])* UserIdentities;
        $(#[$acs:meta])* Acs;
        $(#[$acs_users:meta])* AcsUsers;
    ) => {
        $(#[$user_identities])*
        #[derive(Debug, Clone, Copy)]
        pub struct UserIdentities<'a> {
            client: &'a $client,
        }

        $(#[$acs])*
        #[derive(Debug, Clone, Copy)]
        pub struct Acs<'a> {
            client: &'a $client,
        }

        impl<'a> Acs<'a> {
            /// The ACS user routes.
            pub fn users(&self) -> AcsUsers<'a> {
                AcsUsers {
                    client: self.client,
                }
            }
        }

        $(#[$acs_users])*
        #[derive(Debug, Clone, Copy)]
        pub struct AcsUsers<'a> {
            client: &'a $client,
        }

        impl $client {
            /// The user identity routes.
            pub fn user_identities(&self) -> UserIdentities<'_> {
                UserIdentities { client: self }
            }

            /// The access control system routes.
            pub fn acs(&self) -> Acs<'_> {
                Acs { client: self }
            }
        }
    };
}

/// One method per route of the table, on the namespace types of [`facade_namespaces!`].
/// Invoked through the table: `with_routes!(facade_methods, async PageStream "a `Stream`")`
/// for the async client, `with_routes!(facade_methods, blocking PageIter "an `Iterator`")`
/// for the blocking one. The client must have `send(R)` (returning, after the `.await` if
/// async, `Result<R::Output, Error>`) and `paginate(R)` (returning `$pages<R>`).
#[macro_export]
#[doc(hidden)]
macro_rules! facade_methods {
    (
        $mode:ident $pages:ident $pages_kind:literal;
        $(
            $ns:ident {
                $(
                    $(#[doc = $doc:literal])*
                    $method:ident : $route:ident $(, paginated: $all:ident)? ;
                )*
            }
        )*
    ) => {$(
        impl $ns<'_> {
            $(
                $crate::facade_methods! {
                    @send $mode $method $route
                    $(#[doc = $doc])*
                    #[doc = ""]
                    #[doc = concat!("Sends [`", stringify!($route), "`]: validated before sending, retried when safe.")]
                }

                $(
                    #[doc = concat!("Every item of [`", stringify!($route), "`], page after page, as ", $pages_kind, ".")]
                    #[doc = ""]
                    #[doc = "Stops when the server says no page follows, and fails rather than loops if it repeats a cursor."]
                    pub fn $all(&self, params: $route) -> $pages<$route> {
                        self.client.paginate(params)
                    }
                )?
            )*
        }
    )*};
    (@send async $method:ident $route:ident $(#[$doc:meta])*) => {
        $(#[$doc])*
        pub async fn $method(&self, params: $route) -> $crate::facade_methods!(@output $route) {
            self.client.send(params).await
        }
    };
    (@send blocking $method:ident $route:ident $(#[$doc:meta])*) => {
        $(#[$doc])*
        pub fn $method(&self, params: $route) -> $crate::facade_methods!(@output $route) {
            self.client.send(params)
        }
    };
    (@output $route:ident) => {
        ::core::result::Result<<$route as $crate::Route>::Output, $crate::Error>
    };
}
