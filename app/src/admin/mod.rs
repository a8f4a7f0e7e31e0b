//! People administration: finding people, granting roles, and one-time password links. Admins see
//! everyone; trainers see everyone (to help learners at workshops) but may only make links for learners;
//! officials see only people inside their region subtree.

pub mod api;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod class_list;
pub mod admin_page;
#[cfg(feature = "ssr")]
mod upload;

pub use admin_page::{AdminPage, ClassListPage};
pub use audit::AuditPage;
#[cfg(feature = "ssr")]
pub use upload::routes;
