//! `/vorschlaege/{id}/fotos`: a proposal's photos for its author (add up to three, change a
//! text alternative, remove) and for moderators (hide one, with the public reason). The
//! proposal's page shows the photos and links here; these forms are loaded only when
//! somebody comes to use them. The photo forms are multipart posts the server takes
//! (`server/src/photos.rs`); hiding is a moderation decision (a redaction).

use crate::api::moderation::Decide;
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::{ErrorAlert, Notice, posted_error, posted_error_named, status};
use crate::components::moderation::reason_options;
use crate::formats::proposals::api::get_photo_desk;
use crate::formats::proposals::photos::{PHOTO_FORM, PhotoDesk, ProposalPhoto};
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn PhotoDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_photo_desk);
    desk_frame(
        |t| t.photos_desk_heading,
        desk,
        |desk| view! { <Desk desk /> }.into_any(),
    )
}

#[component]
fn Desk(desk: PhotoDesk) -> impl IntoView {
    let i18n = use_i18n();
    let id = desk.proposal_id;
    let done = status();
    let notice = move || {
        let text: fn(&'static Texts) -> &'static str = match done.get() {
            Some(Done::ImageSaved) => |t| t.image_saved,
            Some(Done::ImageRemoved) => |t| t.image_removed,
            Some(Done::Decided(_)) => |t| t.decision_saved,
            _ => return None,
        };
        Some(view! { <Notice text /> })
    };
    let photo_error = posted_error_named(PHOTO_FORM);
    let decide_error = posted_error::<Decide>();
    let error = Signal::derive(move || photo_error.get().or_else(|| decide_error.get()));
    let shelf = desk.shelf;
    let (own, moderate) = (shelf.own, shelf.moderate);
    let empty = shelf
        .photos
        .is_empty()
        .then(|| view! { <p><T k=|t| t.photos_none /></p> });
    let full = (own && !shelf.can_add && !shelf.photos.is_empty())
        .then(|| view! { <p class="field__hint"><T k=|t| t.photos_limit /></p> });
    let items = shelf
        .photos
        .into_iter()
        .map(|photo| view! { <PhotoItem photo proposal_id=id own moderate /> })
        .collect_view();
    let upload = shelf
        .can_add
        .then(|| view! { <UploadForm proposal_id=id /> });
    view! {
        <p class="card__kicker">
            <a href=format!("{}#fotos", path::proposal(id))>
                {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}": "{desk.title.clone()}
            </a>
        </p>
        <h1><T k=|t| t.photos_desk_heading /></h1>
        {notice}
        <ErrorAlert error />
        {own.then(|| view! { <p class="field__hint"><T k=|t| t.photos_hint /></p> })}
        {empty}
        <ul class="photo-desk">{items}</ul>
        {full}
        {upload}
    }
}

/// One photo with what the viewer may do with it.
#[component]
fn PhotoItem(photo: ProposalPhoto, proposal_id: i64, own: bool, moderate: bool) -> impl IntoView {
    let field = move |name: &str| format!("photo-{}-{name}", photo.id);
    let hidden = photo
        .hidden
        .then(|| view! { <p class="moderation-mark"><T k=|t| t.photo_hidden /></p> });
    let author_forms = own.then(|| {
        view! {
            <form method="post" action=path::proposal_photo(photo.id) enctype="multipart/form-data">
                <div class="field">
                    <label for=field("alt")><T k=|t| t.image_alt_label /></label>
                    <input id=field("alt") type="text" name="alt" value=photo.alt.clone() required
                        maxlength="300" />
                </div>
                <button type="submit" name="action" value="alt"><T k=|t| t.photo_alt_save /></button>
                " "
                <button type="submit" name="action" value="remove" class="button--quiet"
                    formnovalidate=true>
                    <T k=|t| t.photo_remove />
                </button>
            </form>
        }
    });
    let hide_form = (moderate && !photo.hidden).then(|| {
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.photo_hide /></summary>
                <form method="post" action=Decide::PATH>
                    <input type="hidden" name="form[kind]" value="proposal" />
                    <input type="hidden" name="form[id]" value=proposal_id />
                    <input type="hidden" name="form[action]" value="redact" />
                    <input type="hidden" name="form[hide_photo]" value=photo.id />
                    <input type="hidden" name="form[back]" value=path::proposal_photos(proposal_id) />
                    <div class="field">
                        <label for=field("reason")><T k=|t| t.reason_label /></label>
                        <select id=field("reason") name="form[reason]" required>
                            <option value="">"–"</option>
                            {reason_options(None)}
                        </select>
                    </div>
                    <div class="field">
                        <label for=field("public_reason")><T k=|t| t.public_reason_label /></label>
                        <input id=field("public_reason") type="text" name="form[public_reason]"
                            maxlength="500" aria-describedby=field("public_reason-hint") />
                        <p class="field__hint" id=field("public_reason-hint")><T k=|t| t.public_reason_hint /></p>
                    </div>
                    <button type="submit"><T k=|t| t.photo_hide /></button>
                </form>
            </details>
        }
    });
    view! {
        <li class="card photo-desk__item">
            <a href=photo.print_url.clone()>
                <img src=photo.list_url.clone() alt=photo.alt.clone() width=photo.list_width
                    height=photo.list_height loading="lazy" decoding="async" />
            </a>
            {hidden}
            {author_forms}
            {hide_form}
        </li>
    }
}

/// The author's form for one more photo.
#[component]
fn UploadForm(proposal_id: i64) -> impl IntoView {
    view! {
        <form method="post" action=path::proposal_photo_upload(proposal_id) enctype="multipart/form-data"
            class="card">
            <h2><T k=|t| t.photo_add /></h2>
            <div class="field">
                <label for="photo-file"><T k=|t| t.image_file_label /></label>
                <p class="field__hint" id="photo-file-hint"><T k=|t| t.image_file_hint /></p>
                <input id="photo-file" type="file" name="image" required
                    accept="image/jpeg,image/png,image/webp" aria-describedby="photo-file-hint" />
            </div>
            <div class="field">
                <label for="photo-alt"><T k=|t| t.image_alt_label /></label>
                <p class="field__hint" id="photo-alt-hint"><T k=|t| t.image_alt_hint /></p>
                <input id="photo-alt" type="text" name="alt" required maxlength="300"
                    aria-describedby="photo-alt-hint" />
            </div>
            <button type="submit"><T k=|t| t.photo_add /></button>
        </form>
    }
}
