//! Running one block: its binary in a fresh private folder (a working directory, a HOME and a
//! TMPDIR of its own) under a [`Jail`] (its own PID namespace, no network, writes only in its
//! folder), with a clean environment, a wall-clock limit (everything it started is killed), a
//! memory limit and a file-size limit. Standard output and error are drained but kept only up
//! to a cap, and stop being waited for at the deadline; the figures it wrote are read back
//! within the figure limits.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use super::sandbox::{Contained, Jail, ResourceLimits};

/// Limits a run is held to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Wall-clock time.
    pub timeout: Duration,
    /// Bytes of data memory (heap and private mappings).
    pub memory: u64,
    /// Bytes of standard output kept for the page.
    pub output: usize,
    /// Bytes of standard error kept; more than shown, since backtraces are removed later.
    pub errors: usize,
    /// Bytes a program may print in all before it is stopped.
    pub output_hard: usize,
    /// Largest file the program may write.
    pub file_size: u64,
    /// Most figures (`.svg` and `.png` files) read back.
    pub max_figures: usize,
    /// Largest figure read back, in bytes.
    pub max_figure_bytes: u64,
}

/// How a block's program is started: its containment and environment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Setting {
    /// The containment (its writable folders are set per run).
    pub jail: Jail,
    /// Variables the program sees besides PATH, LANG, HOME, TMPDIR and the fixed ones.
    pub env: BTreeMap<String, String>,
}

/// A captured stream.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Captured {
    /// The text kept, colour codes removed.
    pub text: String,
    /// How many bytes were printed beyond what was kept.
    pub cut: usize,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it.
    Signalled(i32),
    /// It ran past the wall-clock limit and was killed.
    TimedOut,
    /// It printed more than the hard output limit and was killed.
    TooMuchOutput,
}

/// Figures a run wrote beyond the limits: nothing of them is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FigureProblem {
    /// More figure files than allowed.
    TooMany {
        /// How many it wrote.
        count: usize,
    },
    /// A figure file larger than allowed.
    TooLarge {
        /// Its path relative to the working directory.
        name: String,
        /// Its size in bytes.
        bytes: u64,
    },
}

/// What a run produced.
#[derive(Clone, Debug)]
pub(crate) struct RunOutput {
    /// How it ended.
    pub ending: Ending,
    /// Standard output.
    pub stdout: Captured,
    /// Standard error.
    pub stderr: Captured,
    /// Wall-clock time.
    pub duration: Duration,
    /// Figures written in the working directory, in the order they were written: path
    /// relative to it, and bytes.
    pub figures: Vec<(String, Vec<u8>)>,
    /// Why figures were not read back, when they broke the limits.
    pub figure_problem: Option<FigureProblem>,
}

impl RunOutput {
    /// Whether the program ran out of memory (an allocation failed under the limit).
    pub(crate) fn out_of_memory(&self) -> bool {
        self.stderr.text.contains("memory allocation of")
            || (matches!(self.ending, Ending::Signalled(9)) && self.stderr.text.is_empty())
    }
}

/// The variables every program gets from kiln's own environment, when they are set.
const INHERITED: &[&str] = &["PATH", "LANG", "LC_ALL"];

/// Runs `program` with `args` in a new private folder under `work_root`.
pub(crate) fn run(
    program: &Path,
    args: &[String],
    work_root: &Path,
    limits: Limits,
    setting: &Setting,
) -> std::io::Result<RunOutput> {
    std::fs::create_dir_all(work_root)?;
    let private = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(work_root)?;
    let work = private.path().join("work");
    let home = private.path().join("home");
    let tmp = private.path().join("tmp");
    for dir in [&work, &home, &tmp] {
        std::fs::create_dir(dir)?;
    }
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(&work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_clear();
    for name in INHERITED {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command
        .envs(&setting.env)
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    let mut jail = setting.jail.clone();
    if jail.writable.is_some() {
        jail.writable = Some(vec![work.clone(), home.clone(), tmp.clone()]);
    }
    jail.limits = Some(ResourceLimits {
        memory: limits.memory,
        file_size: limits.file_size,
    });
    let started = Instant::now();
    let mut child = jail.spawn(&mut command)?;
    let (tx, rx) = mpsc::channel::<usize>();
    let stdout = Drain::start(
        child.child.stdout.take().expect("piped"),
        limits.output,
        tx.clone(),
    );
    let stderr = Drain::start(child.child.stderr.take().expect("piped"), limits.errors, tx);
    let ending = wait(&mut child, started, limits, &rx)?;
    let duration = started.elapsed();
    // Whatever the program left behind is gone with it; a stream still open after the
    // deadline belongs to nothing that may keep the build waiting.
    let deadline = Instant::now() + Duration::from_millis(500).min(limits.timeout);
    let stdout = stdout.finish(deadline);
    let stderr = stderr.finish(deadline);
    let (figures, figure_problem) = match collect_figures(&work, limits) {
        Ok(figures) => (figures, None),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    Ok(RunOutput {
        ending,
        stdout,
        stderr,
        duration,
        figures,
        figure_problem,
    })
}

/// A stream read to its end on its own thread, keeping the first bytes.
struct Drain {
    kept: Arc<Mutex<(Vec<u8>, usize)>>,
    done: mpsc::Receiver<()>,
}

impl Drain {
    fn start(
        mut stream: impl Read + Send + 'static,
        keep: usize,
        sizes: mpsc::Sender<usize>,
    ) -> Self {
        let kept = Arc::new(Mutex::new((Vec::new(), 0usize)));
        let (done_tx, done) = mpsc::channel();
        let shared = Arc::clone(&kept);
        thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            loop {
                match stream.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                        let room = keep.saturating_sub(guard.0.len());
                        guard.0.extend_from_slice(&buffer[..n.min(room)]);
                        guard.1 += n.saturating_sub(room);
                        drop(guard);
                        let _ = sizes.send(n);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = done_tx.send(());
        });
        Self { kept, done }
    }

    /// What was read by the time the stream ended, or by `deadline` if it is still open.
    fn finish(self, deadline: Instant) -> Captured {
        let _ = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        let (bytes, cut) =
            std::mem::take(&mut *self.kept.lock().unwrap_or_else(|p| p.into_inner()));
        captured(bytes, cut)
    }
}

/// The kept bytes as text, without a cut UTF-8 character or colour codes.
fn captured(kept: Vec<u8>, mut cut: usize) -> Captured {
    let text = match String::from_utf8(kept) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            if bytes.len() - valid < 4 && cut > 0 {
                cut += bytes.len() - valid;
                String::from_utf8_lossy(&bytes[..valid]).into_owned()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    };
    let text = String::from_utf8_lossy(&strip_ansi_escapes::strip(text.as_bytes())).into_owned();
    Captured { text, cut }
}

/// Waits for the child, killing it and everything it started past the deadline or the output
/// limit.
fn wait(
    child: &mut Contained,
    started: Instant,
    limits: Limits,
    sizes: &mpsc::Receiver<usize>,
) -> std::io::Result<Ending> {
    let mut printed = 0usize;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(match (status.code(), status.signal()) {
                (Some(code), _) => Ending::Exited(code),
                (None, Some(signal)) => Ending::Signalled(signal),
                (None, None) => Ending::Exited(-1),
            });
        }
        let elapsed = started.elapsed();
        if elapsed >= limits.timeout {
            child.kill();
            child.wait()?;
            return Ok(Ending::TimedOut);
        }
        let slice = (limits.timeout - elapsed).min(Duration::from_millis(5));
        if let Ok(n) = sizes.recv_timeout(slice) {
            printed += n;
            printed += sizes.try_iter().sum::<usize>();
            if printed > limits.output_hard {
                child.kill();
                child.wait()?;
                return Ok(Ending::TooMuchOutput);
            }
        }
    }
}

/// Whether a file name is a figure kiln shows.
pub(crate) fn is_figure(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".svg") || lower.ends_with(".png")
}

/// The figures under `dir`, by relative path, in the order they were written; other files are
/// never read. Too many figures, or one too large, is a problem and nothing is read.
fn collect_figures(dir: &Path, limits: Limits) -> Result<Vec<(String, Vec<u8>)>, FigureProblem> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(false)
    {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() || !is_figure(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let rel: PathBuf = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        let name = rel.to_string_lossy().replace('\\', "/");
        if metadata.len() > limits.max_figure_bytes {
            return Err(FigureProblem::TooLarge {
                name,
                bytes: metadata.len(),
            });
        }
        // File times are coarse (a clock tick), so files written in the same tick are ordered
        // by inode number, which the filesystem hands out in creation order.
        let written = (
            metadata.modified().ok(),
            std::os::unix::fs::MetadataExt::ino(&metadata),
        );
        found.push((written, name, entry.path().to_path_buf()));
    }
    if found.len() > limits.max_figures {
        return Err(FigureProblem::TooMany { count: found.len() });
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(found
        .into_iter()
        .filter_map(|(_, name, path)| Some((name, std::fs::read(path).ok()?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            timeout: Duration::from_secs(10),
            memory: 512 << 20,
            output: 64,
            errors: 64,
            output_hard: 1 << 20,
            file_size: 1 << 20,
            max_figures: 4,
            max_figure_bytes: 1000,
        }
    }

    fn contained() -> Setting {
        Setting {
            jail: Jail {
                pid_namespace: true,
                no_network: true,
                writable: Some(Vec::new()),
                limits: None,
            },
            env: BTreeMap::from([("GIVEN".to_string(), "by-config".to_string())]),
        }
    }

    fn sh_in(script: &str, limits: Limits, setting: &Setting) -> RunOutput {
        let work = tempfile::tempdir().unwrap();
        run(
            Path::new("/bin/sh"),
            &["-c".into(), script.into()],
            work.path(),
            limits,
            setting,
        )
        .unwrap()
    }

    fn sh(script: &str, limits: Limits) -> RunOutput {
        sh_in(script, limits, &Setting::default())
    }

    /// Whether a process whose command line contains `needle` is running.
    fn running(needle: &str) -> bool {
        std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
            std::fs::read(entry.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
    }

    #[test]
    fn captures_streams_exit_code_and_figures() {
        let out = sh(
            "echo out; echo err >&2; printf '<svg/>' > plot.svg; echo data > data.csv; exit 3",
            limits(),
        );
        assert_eq!(out.ending, Ending::Exited(3));
        assert_eq!(out.stdout.text, "out\n");
        assert_eq!(out.stderr.text, "err\n");
        assert_eq!(out.figures, [("plot.svg".to_string(), b"<svg/>".to_vec())]);
        assert_eq!(out.figure_problem, None);
    }

    #[test]
    fn output_beyond_the_cap_is_counted_not_kept() {
        let out = sh("yes 0123456789 | head -c 100000", limits());
        assert_eq!(out.stdout.text.len(), 64);
        assert_eq!(out.stdout.cut, 100000 - 64);
    }

    #[test]
    fn colour_codes_are_removed() {
        let out = sh("printf '\\033[31mred\\033[0m\\n'", limits());
        assert_eq!(out.stdout.text, "red\n");
    }

    #[test]
    fn the_whole_group_is_killed_at_the_deadline() {
        let mut l = limits();
        l.timeout = Duration::from_millis(300);
        let work = tempfile::tempdir().unwrap();
        let marker = work.path().join("child-survived");
        let script = format!("(sleep 2; touch {}) & sleep 30", marker.display());
        let out = run(
            Path::new("/bin/sh"),
            &["-c".into(), script],
            work.path(),
            l,
            &Setting::default(),
        )
        .unwrap();
        assert_eq!(out.ending, Ending::TimedOut);
        std::thread::sleep(Duration::from_millis(2500));
        assert!(
            !marker.exists(),
            "the background child was killed with its group"
        );
    }

    #[test]
    fn a_child_that_leaves_the_group_ends_with_the_block() {
        if !super::super::sandbox::probe().pid_namespace {
            eprintln!("no PID namespace on this machine: nothing to test");
            return;
        }
        // setsid puts the child in a new session and group, out of reach of a group kill,
        // and it holds the block's stdout open.
        let out = sh_in("setsid sleep 86421 & echo started", limits(), &contained());
        assert_eq!(out.ending, Ending::Exited(0));
        assert_eq!(out.stdout.text, "started\n");
        std::thread::sleep(Duration::from_millis(100));
        assert!(!running("86421"), "the detached child outlived its block");

        let mut l = limits();
        l.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let out = sh_in("setsid sleep 86422 & sleep 30", l, &contained());
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the build did not hang"
        );
        std::thread::sleep(Duration::from_millis(100));
        assert!(!running("86422"), "the detached child outlived the timeout");
    }

    #[test]
    fn an_escaped_child_holding_stdout_does_not_hang_the_run() {
        // Without any namespace, a child in its own session survives the group kill and
        // keeps the pipe open; the run still ends at its deadline.
        let mut l = limits();
        l.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let out = sh("setsid sleep 86423 & sleep 30", l);
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the run waited for the escapee"
        );
        let _ = Command::new("pkill").args(["-f", "sleep 86423"]).status();
    }

    #[test]
    fn writes_stay_in_the_blocks_folder() {
        if !super::super::sandbox::probe().landlock_fs {
            eprintln!("no Landlock on this machine: nothing to test");
            return;
        }
        let outside = tempfile::tempdir().unwrap();
        let script = format!(
            "echo in > inside.svg && echo home > $HOME/h && echo tmp > $TMPDIR/t && echo null > /dev/null && echo ok; \
             echo out > {0}/escaped 2>/dev/null || echo refused; \
             echo up > ../../escaped-up 2>/dev/null || echo refused-up",
            outside.path().display()
        );
        let out = sh_in(&script, limits(), &contained());
        assert_eq!(out.stdout.text, "ok\nrefused\nrefused-up\n", "{out:?}");
        assert!(!outside.path().join("escaped").exists());
        assert_eq!(out.figures.len(), 1);
    }

    #[test]
    fn the_environment_is_an_allowlist() {
        // cargo sets CARGO_PKG_NAME for every test process; the block must not see it.
        let out = sh_in(
            "echo \"${CARGO_PKG_NAME:-hidden} $GIVEN ${HOME#/} ${PATH:+path}\"",
            limits(),
            &contained(),
        );
        let text = out.stdout.text.trim();
        assert!(text.starts_with("hidden by-config "), "{text}");
        assert!(text.ends_with(" path"), "{text}");
        assert!(text.contains("/home"), "a HOME of its own: {text}");
    }

    #[test]
    fn endless_output_is_stopped() {
        let mut l = limits();
        l.output_hard = 1 << 20;
        let out = sh("yes", l);
        assert_eq!(out.ending, Ending::TooMuchOutput);
    }

    #[test]
    fn memory_is_limited() {
        let mut l = limits();
        l.memory = 64 << 20;
        l.errors = 4096;
        // dd allocates its block buffer up front and reports that it cannot.
        let out = sh("dd if=/dev/zero of=/dev/null bs=200M count=1", l);
        assert_ne!(out.ending, Ending::Exited(0), "{out:?}");
        assert!(out.stderr.text.contains("memory exhausted"), "{out:?}");
    }

    #[test]
    fn figures_come_in_the_order_they_were_written() {
        let out = sh(
            "echo b > zeta.svg; sleep 0.05; echo a > alpha.svg",
            limits(),
        );
        let names: Vec<_> = out.figures.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["zeta.svg", "alpha.svg"]);
        // Within one clock tick too.
        let out = sh(
            "echo 1 > zz.svg; echo 2 > mm.svg; echo 3 > aa.svg",
            limits(),
        );
        let names: Vec<_> = out.figures.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["zz.svg", "mm.svg", "aa.svg"]);
    }

    #[test]
    fn figures_beyond_the_limits_are_problems_and_not_read() {
        let out = sh(
            "for i in 1 2 3 4 5; do echo $i > f$i.svg; done; head -c 5000 /dev/zero > big.bin",
            limits(),
        );
        assert_eq!(
            out.figure_problem,
            Some(FigureProblem::TooMany { count: 5 })
        );
        assert!(out.figures.is_empty());
        let out = sh("head -c 5000 /dev/zero > big.png", limits());
        assert_eq!(
            out.figure_problem,
            Some(FigureProblem::TooLarge {
                name: "big.png".into(),
                bytes: 5000
            })
        );
    }
}
