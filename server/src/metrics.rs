//! Prometheus metrics in text format: requests and latency by route, statements sent to
//! the database, database pool use.
//! Kept in-process and small; each instance reports its own, as Prometheus expects.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds in seconds; chosen around the 50 ms page budget.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    bucket_counts: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<HashMap<(String, String), RouteStats>>,
    /// Statements sent to the database, counted as the driver reports them.
    queries: Arc<AtomicU64>,
}

/// Sees each statement the database is sent.
pub type Observer = Arc<dyn Fn(&sea_orm::Statement) + Send + Sync>;

/// Statements that take this long are logged: at the Madrid size the slowest listing
/// statement takes a few milliseconds, so one of these is a missing index or a lock.
pub const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_millis(250);

/// The route label for requests no route matched (static files, 404 pages).
pub const FALLBACK_ROUTE: &str = "fallback";

impl Metrics {
    /// Metrics that count the statements `db` sends from now on. A statement slower than
    /// [`SLOW_STATEMENT`] is logged with its SQL (never its values); `observer`, if given,
    /// sees every statement (the tests read the query plans of the pages' statements).
    pub fn counting(db: &mut sea_orm::DatabaseConnection, observer: Option<Observer>) -> Self {
        let queries = Arc::new(AtomicU64::new(0));
        let counter = queries.clone();
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            if info.elapsed >= SLOW_STATEMENT {
                tracing::warn!(
                    ms = info.elapsed.as_millis(),
                    failed = info.failed,
                    sql = %info.statement.sql,
                    "slow statement"
                );
            }
            if let Some(observer) = &observer {
                observer(info.statement);
            }
        });
        Self {
            queries,
            ..Self::default()
        }
    }

    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = routes
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        *stats.by_status.entry(status).or_default() += 1;
        if let Some(index) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            stats.bucket_counts[index] += 1;
        }
        stats.sum_seconds += seconds;
        stats.count += 1;
    }

    pub fn render(&self, pool: app::backend::db::PoolUsage) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "# HELP mitreden_http_requests_total HTTP requests by method, route and status.\n\
             # TYPE mitreden_http_requests_total counter"
        );
        let routes = match self.routes.lock() {
            Ok(routes) => routes,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut keys: Vec<_> = routes.keys().collect();
        keys.sort();
        for key @ (method, route) in &keys {
            if let Some(stats) = routes.get(*key) {
                for (status, count) in &stats.by_status {
                    let _ = writeln!(
                        out,
                        "mitreden_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                        escape(method),
                        escape(route)
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP mitreden_http_request_duration_seconds Time from request to response head.\n\
             # TYPE mitreden_http_request_duration_seconds histogram"
        );
        for key @ (method, route) in &keys {
            let Some(stats) = routes.get(*key) else {
                continue;
            };
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(stats.bucket_counts) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "mitreden_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "mitreden_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 mitreden_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 mitreden_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count, stats.sum_seconds, stats.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP mitreden_db_queries_total Statements sent to the database.\n\
             # TYPE mitreden_db_queries_total counter\n\
             mitreden_db_queries_total {}\n\
             # HELP mitreden_db_pool_connections Database pool connections by state.\n\
             # TYPE mitreden_db_pool_connections gauge\n\
             mitreden_db_pool_connections{{state=\"idle\"}} {}\n\
             mitreden_db_pool_connections{{state=\"in_use\"}} {}\n\
             # HELP mitreden_db_pool_max_connections The pool's upper limit.\n\
             # TYPE mitreden_db_pool_max_connections gauge\n\
             mitreden_db_pool_max_connections {}\n\
             # HELP mitreden_build_info Version of the running binary.\n\
             # TYPE mitreden_build_info gauge\n\
             mitreden_build_info{{version=\"{}\"}} 1",
            self.queries.load(Ordering::Relaxed),
            pool.idle,
            pool.size.saturating_sub(pool.idle),
            pool.max,
            env!("CARGO_PKG_VERSION"),
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times each request and counts it under its route template (never the raw
/// path, which would let anyone create unbounded label values).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| FALLBACK_ROUTE.to_owned());
    let response = next.run(request).await;
    metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub async fn endpoint(
    State(state): State<app::backend::state::AppState>,
    axum::Extension(metrics): axum::Extension<Arc<Metrics>>,
) -> impl IntoResponse {
    let pool = app::backend::db::pool_usage(&state.db);
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(pool),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::backend::db::PoolUsage;

    #[test]
    fn histogram_buckets_are_cumulative_and_labels_escaped() {
        let metrics = Metrics::default();
        metrics.record("GET", "/", 200, 0.003);
        metrics.record("GET", "/", 200, 0.2);
        metrics.record("GET", "/", 404, 20.0);
        metrics.record("GET", "/a\"b", 200, 0.0);
        let text = metrics.render(PoolUsage {
            size: 3,
            idle: 1,
            max: 8,
        });
        assert!(
            text.contains(r#"mitreden_http_requests_total{method="GET",route="/",status="200"} 2"#)
        );
        assert!(
            text.contains(r#"mitreden_http_requests_total{method="GET",route="/",status="404"} 1"#)
        );
        assert!(text.contains(r#"route="/",le="0.005"} 1"#));
        assert!(text.contains(r#"route="/",le="0.25"} 2"#));
        assert!(text.contains(r#"route="/",le="10"} 2"#));
        assert!(text.contains(r#"route="/",le="+Inf"} 3"#));
        assert!(text.contains(r#"route="/a\"b""#));
        assert!(text.contains(r#"mitreden_db_pool_connections{state="in_use"} 2"#));
    }
}
