//! Jobs and results, and traces with their optimize results ([`traces`]), in SQLite (`jitlens.sqlite3` in the data folder),
//! WAL mode, migrated at start. Calls are blocking; async callers go through [`Store::run`],
//! which moves them to tokio's blocking pool.

pub(crate) mod traces;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use jitlens_analyzer::protocol::{JobRequest, JobResult, JobStatus, JobSummary};
use rusqlite::{params, Connection, OptionalExtension};

/// Schema steps, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: [&str; 3] = [
    "CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        status TEXT NOT NULL,
        function TEXT NOT NULL,
        framework TEXT,
        request TEXT NOT NULL,
        result TEXT
    );
    CREATE INDEX jobs_by_creation ON jobs (created_at DESC);",
    // Traces of the user's programs (`jitlens trace`): one row per run, its functions (the
    // observed signatures as JSON) and the pickled argument sets kept to replay.
    "CREATE TABLE traces (
        id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        command TEXT NOT NULL,
        root TEXT NOT NULL,
        python TEXT NOT NULL,
        status TEXT NOT NULL,
        wall_s REAL NOT NULL DEFAULT 0,
        traced_s REAL NOT NULL DEFAULT 0,
        exit_code INTEGER,
        error TEXT,
        jit_disabled TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX traces_by_creation ON traces (created_at DESC);
    CREATE TABLE trace_functions (
        trace_id TEXT NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        own_s REAL NOT NULL,
        cumulative_s REAL NOT NULL,
        observed TEXT NOT NULL,
        PRIMARY KEY (trace_id, idx)
    );
    CREATE TABLE trace_samples (
        trace_id TEXT NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
        function_idx INTEGER NOT NULL,
        k INTEGER NOT NULL,
        signature INTEGER NOT NULL,
        call INTEGER NOT NULL,
        complete INTEGER NOT NULL,
        omitted TEXT NOT NULL,
        args BLOB NOT NULL,
        PRIMARY KEY (trace_id, function_idx, k)
    );
    CREATE TABLE trace_files (
        trace_id TEXT NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (trace_id, file)
    );",
    // The newest `jitlens optimize` result of each trace (`protocol::Optimized` as JSON).
    "CREATE TABLE trace_optimized (
        trace_id TEXT PRIMARY KEY REFERENCES traces (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        result TEXT NOT NULL
    );",
];

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub(crate) struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the store in `data_dir` and migrates it.
    pub(crate) fn open(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("could not create the data folder {}", data_dir.display()))?;
        let path = data_dir.join("jitlens.sqlite3");
        let connection = Connection::open(&path)
            .with_context(|| format!("could not open the store {}", path.display()))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .context("could not switch the store to WAL")?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .context("could not set the store's synchronous mode")?;
        connection
            .busy_timeout(std::time::Duration::from_secs(10))
            .context("could not set the store's busy timeout")?;
        migrate(&connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` on the connection in tokio's blocking pool.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let connection = connection
                .lock()
                .map_err(|_| anyhow::anyhow!("the store's lock is poisoned"))?;
            work(&connection)
        })
        .await
        .context("a store task panicked")?
    }

    /// Runs `work` on the connection on this thread (for the CLI).
    pub(crate) fn run_here<T>(
        &self,
        work: impl FnOnce(&Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let connection = self
            .connection
            .lock()
            .map_err(|_| anyhow::anyhow!("the store's lock is poisoned"))?;
        work(&connection)
    }
}

fn migrate(connection: &Connection) -> anyhow::Result<()> {
    let done: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .context("could not read the store's version")?;
    let done = usize::try_from(done).unwrap_or(0);
    for (index, step) in MIGRATIONS.iter().enumerate().skip(done) {
        connection
            .execute_batch(&format!(
                "BEGIN; {step}; PRAGMA user_version = {}; COMMIT;",
                index + 1
            ))
            .with_context(|| format!("could not migrate the store to version {}", index + 1))?;
    }
    Ok(())
}

/// A status (of a job or a trace) as the store keeps it: its wire name, `queued`, `complete`.
fn status_text(status: impl serde::Serialize) -> anyhow::Result<String> {
    match serde_json::to_value(status)? {
        serde_json::Value::String(text) => Ok(text),
        other => anyhow::bail!("a status serialized as {other}"),
    }
}

/// A status read back from the store.
fn parse_status<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .with_context(|| format!("unknown status {text:?} in the store"))
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

/// Adds a queued job.
pub(crate) fn insert(
    connection: &Connection,
    id: &str,
    request: &JobRequest,
) -> anyhow::Result<()> {
    connection
        .execute(
            "INSERT INTO jobs (id, created_at, status, function, framework, request)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                now(),
                status_text(JobStatus::Queued)?,
                request.function,
                request.framework,
                serde_json::to_string(request)?,
            ],
        )
        .context("could not add the job to the store")?;
    Ok(())
}

/// Sets the status of a job that has no result yet.
pub(crate) fn set_status(
    connection: &Connection,
    id: &str,
    status: JobStatus,
) -> anyhow::Result<()> {
    connection
        .execute(
            "UPDATE jobs SET status = ?2 WHERE id = ?1",
            params![id, status_text(status)?],
        )
        .context("could not update the job's status")?;
    Ok(())
}

/// Stores a job's final result.
pub(crate) fn finish(connection: &Connection, result: &JobResult) -> anyhow::Result<()> {
    connection
        .execute(
            "UPDATE jobs SET status = ?2, result = ?3 WHERE id = ?1",
            params![
                result.id,
                status_text(result.status)?,
                serde_json::to_string(result)?
            ],
        )
        .context("could not store the job's result")?;
    Ok(())
}

/// Marks jobs left queued or running by a previous start as interrupted; returns how many.
pub(crate) fn interrupt_unfinished(connection: &Connection) -> anyhow::Result<usize> {
    let rows: Vec<String> = connection
        .prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running')")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &rows {
        let mut result = JobResult::new(id.clone(), JobStatus::Interrupted);
        result.error = Some("the runner stopped before this job finished".into());
        finish(connection, &result)?;
    }
    Ok(rows.len())
}

/// A job's request and its result so far.
pub(crate) fn get(
    connection: &Connection,
    id: &str,
) -> anyhow::Result<Option<(JobRequest, JobResult)>> {
    let row: Option<(String, String, Option<String>)> = connection
        .query_row(
            "SELECT status, request, result FROM jobs WHERE id = ?1",
            params![id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .context("could not read the job")?;
    let Some((status, request, result)) = row else {
        return Ok(None);
    };
    let request: JobRequest =
        serde_json::from_str(&request).context("a stored request is not valid JSON")?;
    let result = match result {
        Some(text) => serde_json::from_str(&text).context("a stored result is not valid JSON")?,
        None => JobResult::new(id.to_owned(), parse_status(&status)?),
    };
    Ok(Some((request, result)))
}

/// One page of jobs, newest first, and how many there are in all.
pub(crate) fn list(
    connection: &Connection,
    limit: u32,
    offset: u64,
) -> anyhow::Result<(Vec<JobSummary>, u64)> {
    let total: i64 = connection.query_row("SELECT COUNT(*) FROM jobs", [], |row| row.get(0))?;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let mut statement = connection.prepare(
        "SELECT id, status, function, framework, created_at, result FROM jobs
         ORDER BY created_at DESC, rowid DESC LIMIT ?1 OFFSET ?2",
    )?;
    let rows = statement.query_map(params![limit, offset], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, f64>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut jobs = Vec::new();
    for row in rows {
        let (id, status, function, framework, created_at, result) = row?;
        let result: Option<JobResult> = result.and_then(|text| serde_json::from_str(&text).ok());
        jobs.push(JobSummary {
            id,
            status: parse_status(&status)?,
            function,
            framework,
            created_at,
            verdict: result.as_ref().and_then(|r| r.verdict),
            speedup: result.as_ref().and_then(|r| r.speedup),
        });
    }
    Ok((jobs, u64::try_from(total).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(function: &str) -> JobRequest {
        JobRequest {
            source: "def f(x):\n    return x\n".into(),
            function: function.into(),
            framework: Some("numba".into()),
            candidate_source: None,
            setup: None,
            inputs: None,
            timeout_s: None,
            rounds: None,
            threads: None,
            kind: jitlens_analyzer::protocol::JobKind::Benchmark,
            original_jit_off: false,
        }
    }

    fn scratch() -> std::path::PathBuf {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("jitlens-store-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn jobs_round_trip_and_unfinished_ones_are_interrupted_on_reopen() {
        let dir = scratch();
        let store = Store::open(&dir).unwrap();
        store
            .run_here(|c| {
                insert(c, "a", &request("f"))?;
                insert(c, "b", &request("g"))?;
                set_status(c, "b", JobStatus::Running)?;
                let mut done = JobResult::new("a".into(), JobStatus::Done);
                done.error = Some("kept".into());
                finish(c, &done)
            })
            .unwrap();
        drop(store);
        let store = Store::open(&dir).unwrap();
        let interrupted = store.run_here(interrupt_unfinished).unwrap();
        assert_eq!(interrupted, 1);
        let (request_a, result_a) = store.run_here(|c| get(c, "a")).unwrap().unwrap();
        assert_eq!(request_a.function, "f");
        assert_eq!(result_a.status, JobStatus::Done);
        assert_eq!(result_a.error.as_deref(), Some("kept"));
        let (_, result_b) = store.run_here(|c| get(c, "b")).unwrap().unwrap();
        assert_eq!(result_b.status, JobStatus::Interrupted);
        assert!(store.run_here(|c| get(c, "zzz")).unwrap().is_none());
        let mode: String = store
            .run_here(|c| Ok(c.pragma_query_value(None, "journal_mode", |row| row.get(0))?))
            .unwrap();
        assert_eq!(mode, "wal");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn list_pages_newest_first() {
        let dir = scratch();
        let store = Store::open(&dir).unwrap();
        store
            .run_here(|c| {
                for name in ["one", "two", "three"] {
                    insert(c, name, &request(name))?;
                }
                Ok(())
            })
            .unwrap();
        let (page, total) = store.run_here(|c| list(c, 2, 0)).unwrap();
        assert_eq!(total, 3);
        let ids: Vec<_> = page.iter().map(|job| job.id.as_str()).collect();
        assert_eq!(ids, ["three", "two"]);
        let (page, _) = store.run_here(|c| list(c, 2, 2)).unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, "one");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
