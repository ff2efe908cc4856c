//! The Mitreden server: configuration, `build_app`, the HTTP stack, the CLI's commands.
//! `main.rs` and the integration tests build the application through the same function.

#![recursion_limit = "512"]

pub mod backup;
pub mod config;
mod data_dir;
pub mod districts;
mod forms;
pub use data_dir::{jwt_secret, prepare_data_dir};
pub mod export;
pub mod formats;
pub mod health;
pub mod maps;
pub mod media;
pub mod metrics;
pub mod page_cache;
mod peers;
pub mod photos;
pub mod rest;
pub mod seed;
pub mod static_files;
pub mod telemetry;

use crate::config::Config;
use anyhow::Context;
use app::backend::state::{AppState, SiteSettings};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::IntoResponse;
use axum::routing::get;
use leptos::config::{Env, LeptosOptions};
use leptos_axum::{LeptosRoutes, generate_route_list};
use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// The name cargo-leptos gives the JS, wasm and CSS files (`[[workspace.metadata.leptos]] name`).
const OUTPUT_NAME: &str = "mitreden";

/// The longest any request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Request bodies above this are refused with 413 before any handler reads them.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A built application: its router and the state behind it.
pub struct Mitreden {
    pub router: Router,
    pub state: AppState,
}

/// Prepares the data directory, opens and migrates the database, and builds the router.
pub async fn build_app(config: &Config) -> anyhow::Result<Mitreden> {
    build_observed_app(config, None).await
}

/// [`build_app`], with an observer of every statement sent to the database.
pub async fn build_observed_app(
    config: &Config,
    observer: Option<metrics::Observer>,
) -> anyhow::Result<Mitreden> {
    prepare_data_dir(&config.data_dir)?;
    let jwt_secret = jwt_secret(config)?;
    let mut db = open_database(&config.database_url).await?;
    let metrics = Arc::new(metrics::Metrics::counting(&mut db, observer));
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(Env::PROD)
        .build();
    let state = AppState {
        db,
        site: Arc::new(SiteSettings {
            instance_name: config.instance_name.clone(),
            data_dir: config.data_dir.clone(),
            public_url: config.public_url.clone(),
            logo: config.logo.clone(),
            oparl_allowed: config.oparl_allowed.clone(),
            tiles: open_tiles(config).await?,
        }),
        jwt_secret: jwt_secret.into(),
        login_throttle: Arc::default(),
        proxies: Arc::new(config.trusted_proxies.clone()),
        leptos_options,
    };
    let limits = rest::limits::RateLimits {
        per_address: config.rate_limit_address,
        per_account: config.rate_limit_account,
        limiter: Arc::default(),
        state: state.clone(),
    };
    let memory = page_cache::PageMemory::new(config.page_memory);
    let router = router(state.clone(), limits, metrics, memory);
    Ok(Mitreden { router, state })
}

/// The map tiles of `MITREDEN_TILES`, if set: an upstream's address, or an MBTiles file
/// (a relative path is in the data directory). A file that cannot be used stops the start.
async fn open_tiles(config: &Config) -> anyhow::Result<Option<Arc<app::backend::tiles::Tiles>>> {
    use app::backend::tiles::Tiles;
    let Some(setting) = config.tiles.as_deref().map(str::trim) else {
        return Ok(None);
    };
    let attribution = config.tiles_attribution.as_deref();
    let tiles = if setting.contains("://") {
        Tiles::upstream(
            setting,
            attribution.unwrap_or(""),
            config.data_dir.join("tiles"),
        )
    } else {
        Tiles::file(&config.data_dir.join(setting), attribution).await
    }
    .map_err(|problem| anyhow::anyhow!("invalid configuration: MITREDEN_TILES: {problem}"))?;
    Ok(Some(Arc::new(tiles)))
}

/// Opens the database and brings its schema up to date.
pub async fn open_database(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = app::backend::db::connect(url)
        .await
        .context("cannot open the database (DATABASE_URL)")?;
    Migrator::up(&db, None)
        .await
        .context("cannot migrate the database")?;
    Ok(db)
}

/// The app's routes, generated once per process. While Leptos generates them it suppresses
/// resource loading process-wide, and a page render that starts in that window never
/// finishes (leptos#4773): building a second app in a serving process (as the tests do)
/// must not generate them again.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(app::app::App))
        .clone()
}

fn router(
    state: AppState,
    limits: rest::limits::RateLimits,
    metrics: Arc<metrics::Metrics>,
    memory: Arc<page_cache::PageMemory>,
) -> Router {
    let routes = route_list();
    let shell_options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || {
            leptos::prelude::provide_context(state.clone());
            leptos::prelude::provide_context(app::api::RequestAccount::default());
        }
    };
    let track = axum::middleware::from_fn_with_state(metrics.clone(), metrics::track);

    let files = Arc::new(
        static_files::StaticFiles::load(std::path::Path::new(
            state.leptos_options.site_root.as_ref(),
        ))
        .with_texts(),
    );
    let fallback = ServiceBuilder::new().layer(track.clone()).service(
        axum::handler::HandlerWithoutStateExt::into_service(
            // Static files from memory, else the localized 404 page.
            {
                let state = state.clone();
                let handler = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                    context.clone(),
                    app::app::shell,
                );
                move |uri: axum::http::Uri, request: Request<axum::body::Body>| {
                    use futures_util::future::{Either, ready};
                    match files.respond(request.method(), uri.path(), request.headers()) {
                        Some(answer) => Either::Left(ready(answer)),
                        None => Either::Right(handler(
                            uri,
                            axum::extract::State(state.clone()),
                            request,
                        )),
                    }
                }
            },
        ),
    );

    let writes_guard = axum::middleware::from_fn_with_state(state.clone(), same_origin_writes);
    // Image uploads have their own routes so they can take bodies above the 1 MiB that
    // holds for everything else; otherwise they pass the same layers.
    let uploads = media::uploads()
        .merge(photos::uploads())
        .route_layer(track.clone())
        .route_layer(writes_guard.clone())
        .layer(RequestBodyLimitLayer::new(media::MAX_UPLOAD_BYTES));
    // District files are larger still (boundaries of a whole city).
    let district_uploads = rest::places::uploads()
        .route_layer(track.clone())
        .route_layer(writes_guard.clone())
        .layer(axum::middleware::from_fn(rest::localize_errors))
        .layer(RequestBodyLimitLayer::new(rest::places::MAX_REQUEST_BYTES));
    // Address lists are the largest files of all (every address of a city).
    let address_uploads = rest::addresses::uploads()
        .route_layer(track.clone())
        .route_layer(writes_guard.clone())
        .layer(axum::middleware::from_fn(rest::localize_errors))
        .layer(RequestBodyLimitLayer::new(
            rest::addresses::MAX_REQUEST_BYTES,
        ));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::endpoint))
        .nest(
            "/api/v1",
            rest::router(&state.site.public_url)
                .layer(axum::middleware::from_fn(rest::limits::etag))
                .layer(axum::middleware::from_fn_with_state(
                    limits.clone(),
                    rest::limits::rate_limit,
                ))
                .layer(axum::middleware::from_fn(rest::localize_errors)),
        )
        .merge(media::serving())
        .merge(maps::routes())
        .merge(formats::proposals::onsite_upload::routes())
        .leptos_routes_with_context(&state, routes, context, move || {
            app::app::shell(shell_options.clone())
        })
        // Pages served from memory count in the metrics like rendered ones.
        .route_layer(axum::middleware::from_fn_with_state(
            memory,
            page_cache::pages,
        ))
        .route_layer(track)
        .route_layer(axum::middleware::map_response(forms::tidy_redirect))
        .route_layer(axum::middleware::map_response(
            forms::server_fn_error_status,
        ))
        .route_layer(axum::middleware::from_fn(forms::keep_form_values))
        .route_layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            rest::limits::rate_limit_server_fns,
        ))
        .route_layer(writes_guard)
        .fallback_service(fallback)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .merge(district_uploads)
        .merge(address_uploads)
        .layer(axum::Extension(metrics))
        .layer(axum::middleware::map_response(retry_after_unavailable))
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(SetRequestIdLayer::new(
                    REQUEST_ID.clone(),
                    RequestIds::default(),
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<_>| {
                            let id = request
                                .extensions()
                                .get::<RequestId>()
                                .and_then(|id| id.header_value().to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                id,
                                method = %request.method(),
                                path = request.uri().path(),
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                // No request may hold a connection forever; a stuck one answers 503.
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    REQUEST_TIMEOUT,
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
        // Outermost: by the time it sees the answer, whatever the request wrote is committed.
        .layer(axum::middleware::from_fn(page_cache::writes))
        .with_state(state)
}

/// Refuses state-changing requests that a browser sent from another site (CSRF): their
/// `Origin` (or, lacking it, `Referer`) must be this instance. Requests without either come
/// from non-browser clients, which cannot carry a visitor's cookies.
async fn same_origin_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let claimed = text(header::ORIGIN).map(str::to_owned).or_else(|| {
        text(header::REFERER).map(|referer| {
            let after_scheme = referer.find("://").map(|i| i + 3).unwrap_or(0);
            let end = referer[after_scheme..]
                .find('/')
                .map(|i| i + after_scheme)
                .unwrap_or(referer.len());
            referer[..end].to_owned()
        })
    });
    if let Some(origin) = claimed {
        let host = text(header::HOST).unwrap_or_default();
        let own = [
            state.site.public_url.clone(),
            format!("http://{host}"),
            format!("https://{host}"),
        ];
        if !own
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(&origin))
        {
            tracing::warn!(%origin, "cross-site write refused");
            return rest::ApiError(app::error::AppError::Forbidden).into_response();
        }
    }
    next.run(request).await
}

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may sit idle before its next request (hyper starts the same timer when it
/// waits for the next request's head). A slow or silent client holds a connection no
/// longer than this.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
/// Open connections get this long to finish their requests when the server stops.
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Accepts connections until a stop signal: each with TCP_NODELAY (responses leave at
/// once instead of waiting for the client's ACK), the header-read/idle timeout, HTTP/1.1
/// and HTTP/2, and the peer's address for the handlers (`ConnectInfo`). On the signal it
/// stops accepting and lets open requests finish.
pub async fn accept_loop(
    listener: tokio::net::TcpListener,
    router: Router,
    header_read_timeout: std::time::Duration,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                tower::ServiceExt::oneshot(router.clone(), request.map(axum::body::Body::new))
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open connections did not finish in time");
    }
}

/// Every 503 (the database busy past its timeout, a dependency down) tells clients when
/// to try again, whichever face answered it.
async fn retry_after_unavailable(
    mut response: axum::response::Response,
) -> axum::response::Response {
    if response.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    }
    response
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids unique across instances: a random per-process prefix and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let mut bytes = [0u8; 4];
        // Without OS randomness the ids are still unique within this process.
        let _ = getrandom::fill(&mut bytes);
        let prefix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            prefix: prefix.into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// A panic is a bug; the visitor still gets a page in both languages, never a dropped connection.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("request handler panicked");
    let body = "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>Fehler – Error</title><link rel=\"stylesheet\" href=\"/pkg/mitreden.css\"></head>\
        <body><main class=\"container error-page\"><p class=\"error-page__code\">500</p>\
        <h1>Ein Fehler ist aufgetreten</h1><p>Bitte versuchen Sie es in einigen Minuten erneut.</p>\
        <h2 lang=\"en\">Something went wrong</h2><p lang=\"en\">Please try again in a few minutes.</p>\
        <p><a class=\"button\" href=\"/\">Zur Startseite</a></p></main></body></html>";
    axum::response::Response::builder()
        .status(500)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(axum::body::Body::from(body))
        .unwrap_or_default()
}

/// The mail sender the configuration describes.
pub fn mailer(config: &Config) -> anyhow::Result<app::backend::mail::worker::Mailer> {
    app::backend::mail::worker::Mailer::new(
        config.smtp_url.as_deref(),
        &config.mail_from,
        &config.data_dir,
    )
    .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
}

/// Serves until SIGTERM or ctrl-c, then stops accepting and lets in-flight requests finish;
/// the mail worker sends alongside and finishes its current mail before the process ends,
/// and (on SQLite) the write-ahead log is checkpointed in the background.
pub async fn serve(
    app: Mitreden,
    config: &Config,
    listener: tokio::net::TcpListener,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(app::backend::jobs::run(
        app.state.db.clone(),
        app.state.site.clone(),
        mailer(config)?,
        async move {
            let mut stopped = stopped;
            let _ = stopped.changed().await;
        },
    ));
    let checkpoints = tokio::spawn(app::backend::db::checkpoint_sqlite(app.state.db.clone(), {
        let mut stopped = stop.subscribe();
        async move {
            let _ = stopped.changed().await;
        }
    }));
    let peers = tokio::spawn(peers::run(app.state.db.clone(), {
        let mut stopped = stop.subscribe();
        async move {
            let _ = stopped.changed().await;
        }
    }));
    tracing::info!(%address, "serving http://{address}");
    accept_loop(listener, app.router.clone(), HEADER_READ_TIMEOUT).await;
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = checkpoints.await;
    let _ = peers.await;
    tracing::info!("stopped; closing the database");
    if let Err(error) = app.state.db.close_by_ref().await {
        tracing::warn!(%error, "closing the database failed");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
    // Requests that take longer than this are cut; a deploy should not wait forever.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        tracing::warn!("in-flight requests did not finish within 30 s");
        std::process::exit(1);
    });
}
