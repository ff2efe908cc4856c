//! The legally required pages. Their text belongs to the instance: Markdown files in
//! `<data dir>/pages/<slug>.<lang>.md`, written with example text on first start.

use crate::backend::sanitize::markdown_to_html;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::legal::{LegalPage, LegalPageView};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The shipped example text (`app/locales/<lang>/legal/<slug>.md`).
fn example(page: LegalPage, lang: Lang) -> &'static str {
    lang.document(&format!("legal/{}.md", page.slug()))
        .unwrap_or_default()
}

fn file(data_dir: &Path, page: LegalPage, lang: Lang) -> PathBuf {
    data_dir
        .join("pages")
        .join(format!("{}.{}.md", page.slug(), lang.code()))
}

/// Writes the example texts for every page and language that has no file yet; an operator's
/// own text is never overwritten.
pub fn install_examples(data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir.join("pages"))?;
    for page in LegalPage::ALL {
        for lang in Lang::ALL.iter().copied() {
            let path = file(data_dir, page, lang);
            if !path.exists() {
                std::fs::write(&path, example(page, lang))?;
            }
        }
    }
    Ok(())
}

/// The page in the visitor's language, else in German (the binding version), else the
/// shipped example.
pub async fn load(data_dir: &Path, page: LegalPage, lang: Lang) -> Result<LegalPageView, AppError> {
    let mut candidates = vec![lang];
    if lang != Lang::default() {
        candidates.push(Lang::default());
    }
    for candidate in candidates {
        let path = file(data_dir, page, candidate);
        match tokio::fs::read_to_string(&path).await {
            Ok(markdown) => {
                return Ok(LegalPageView {
                    page,
                    html: markdown_to_html(&markdown),
                });
            }
            Err(error) if error.kind() == ErrorKind::NotFound => continue,
            Err(error) => {
                tracing::error!(path = %path.display(), %error, "legal page unreadable");
                return Err(AppError::Internal);
            }
        }
    }
    Ok(LegalPageView {
        page,
        html: markdown_to_html(example(page, lang)),
    })
}
