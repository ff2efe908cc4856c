//! Administration: find accounts and change their roles (each change is audited).

use crate::api::account::{SetUserRole, list_users};
use crate::components::error_view::ErrorPage;
use crate::components::form::{ErrorAlert, Notice, posted_error, status};
use crate::i18n::{T, page_title, use_i18n};
use crate::model::account::{Role, UserRow};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let status = status();
    let users = Resource::new(move || (search(), status.get()), |(q, _)| list_users(q));
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(rows) => view! { <UserTable rows search=search() /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn UserTable(rows: Vec<UserRow>, search: String) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let error = posted_error::<SetUserRole>();
    let empty = rows.is_empty();
    let lines = rows
        .into_iter()
        .map(|row| {
            let select_id = format!("role-{}", row.id);
            let options = Role::ALL
                .into_iter()
                .map(|role| view! {
                    <option value=role.as_str() selected=role == row.role>{move || i18n.t().role(role)}</option>
                })
                .collect_view();
            let verified = row.verified;
            view! {
                <tr>
                    <td>{row.display_name.clone()}</td>
                    <td>{row.email.clone()}</td>
                    <td>{move || if verified { i18n.t().verified_yes } else { i18n.t().verified_no }}</td>
                    <td>
                        <form method="post" action=SetUserRole::PATH>
                            <input type="hidden" name="user_id" value=row.id />
                            <label class="visually-hidden" for=select_id.clone()>
                                <T k=|t| t.role_label /> " " {row.email.clone()}
                            </label>
                            <select id=select_id name="role">{options}</select>
                            <button type="submit" class="button--quiet"><T k=|t| t.save /></button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Title text=page_title(|t| t.users_title) />
        <div class="container">
            <h1><T k=|t| t.users_title /></h1>
            {move || (status.get() == Some(Done::RoleSaved)).then(|| view! { <Notice text=|t| t.role_saved /> })}
            <ErrorAlert error />
            <form method="get" action="/verwaltung/benutzer" class="field">
                <label for="users-search"><T k=|t| t.users_search_label /></label>
                <div class="form-links">
                    <input id="users-search" type="search" name="q" value=search />
                    <button type="submit"><T k=|t| t.search /></button>
                </div>
            </form>
            {if empty {
                view! { <p class="empty-state"><T k=|t| t.no_users_found /></p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="users-table">
                            <thead>
                                <tr>
                                    <th scope="col"><T k=|t| t.display_name_label /></th>
                                    <th scope="col"><T k=|t| t.email_label /></th>
                                    <th scope="col"><T k=|t| t.confirm_title /></th>
                                    <th scope="col"><T k=|t| t.role_label /></th>
                                </tr>
                            </thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </div>
    }
    .into_any()
}
