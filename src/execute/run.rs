//! Running one block: its binary in a fresh working directory, in its own process group, under
//! a wall-clock limit (the whole group is killed), a memory limit and a file-size limit, with
//! stdout and stderr drained in full but kept only up to a cap, and the figures it wrote.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Limits a run is held to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
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
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it.
    Signalled(i32),
    /// It ran past the wall-clock limit and was killed.
    TimedOut,
    /// It printed more than the hard output limit and was killed.
    TooMuchOutput,
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// How it ended.
    pub ending: Ending,
    /// Standard output.
    pub stdout: Captured,
    /// Standard error.
    pub stderr: Captured,
    /// Wall-clock time.
    pub duration: Duration,
    /// Files written in the working directory: path relative to it, and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

impl RunOutput {
    /// Whether the program ran out of memory (an allocation failed under the limit).
    pub fn out_of_memory(&self) -> bool {
        self.stderr.text.contains("memory allocation of")
            || (matches!(self.ending, Ending::Signalled(9)) && self.stderr.text.is_empty())
    }
}

/// Runs `program` with `args` in a new empty folder under `work_root`.
pub fn run(
    program: &Path,
    args: &[String],
    work_root: &Path,
    limits: Limits,
) -> std::io::Result<RunOutput> {
    std::fs::create_dir_all(work_root)?;
    let work = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(work_root)?;
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(work.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .process_group(0);
    let memory = limits.memory;
    let file_size = limits.file_size;
    // SAFETY: the closure runs in the child between fork and exec and only calls setrlimit,
    // which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            set_limit(libc::RLIMIT_DATA, memory)?;
            set_limit(libc::RLIMIT_FSIZE, file_size)?;
            set_limit(libc::RLIMIT_CORE, 0)?;
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id() as i32;
    let (tx, rx) = mpsc::channel::<usize>();
    let stdout = drain(
        child.stdout.take().expect("piped"),
        limits.output,
        tx.clone(),
    );
    let stderr = drain(child.stderr.take().expect("piped"), limits.errors, tx);
    let ending = wait(&mut child, pid, started, limits, &rx)?;
    let duration = started.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let files = collect_files(work.path(), limits.file_size);
    Ok(RunOutput {
        ending,
        stdout,
        stderr,
        duration,
        files,
    })
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: a plain system call with a valid pointer to a local value.
    if unsafe { libc::setrlimit(resource, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Reads a stream to its end, keeping the first `keep` bytes and reporting every chunk's size.
fn drain(
    mut stream: impl Read + Send + 'static,
    keep: usize,
    sizes: mpsc::Sender<usize>,
) -> thread::JoinHandle<Captured> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut cut = 0;
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = keep.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..n.min(room)]);
                    cut += n.saturating_sub(room);
                    let _ = sizes.send(n);
                }
            }
        }
        // Do not cut a UTF-8 character in half.
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
        let text =
            String::from_utf8_lossy(&strip_ansi_escapes::strip(text.as_bytes())).into_owned();
        Captured { text, cut }
    })
}

/// Waits for the child, killing its whole process group past the deadline or output limit.
fn wait(
    child: &mut Child,
    pid: i32,
    started: Instant,
    limits: Limits,
    sizes: &mpsc::Receiver<usize>,
) -> std::io::Result<Ending> {
    let mut printed = 0usize;
    loop {
        if let Some(status) = child.try_wait()? {
            // Take down anything it left running in its group.
            kill_group(pid);
            return Ok(match (status.code(), status.signal()) {
                (Some(code), _) => Ending::Exited(code),
                (None, Some(signal)) => Ending::Signalled(signal),
                (None, None) => Ending::Exited(-1),
            });
        }
        let elapsed = started.elapsed();
        if elapsed >= limits.timeout {
            kill_group(pid);
            let _ = child.wait();
            return Ok(Ending::TimedOut);
        }
        let slice = (limits.timeout - elapsed).min(Duration::from_millis(5));
        if let Ok(n) = sizes.recv_timeout(slice) {
            printed += n;
            printed += sizes.try_iter().sum::<usize>();
            if printed > limits.output_hard {
                kill_group(pid);
                let _ = child.wait();
                return Ok(Ending::TooMuchOutput);
            }
        }
    }
}

fn kill_group(pid: i32) {
    // SAFETY: sending a signal to a process group we created; failure (already gone) is fine.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
}

/// Every regular file under `dir`, by relative path, in the order they were written, skipping
/// ones that reached `limit`.
fn collect_files(dir: &Path, limit: u64) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(false)
    {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if metadata.len() >= limit {
            continue;
        }
        // File times are coarse (a clock tick), so files written in the same tick are ordered
        // by inode number, which the filesystem hands out in creation order.
        let written = (
            metadata.modified().ok(),
            std::os::unix::fs::MetadataExt::ino(&metadata),
        );
        let rel: PathBuf = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        if let Ok(bytes) = std::fs::read(entry.path()) {
            files.push((written, rel.to_string_lossy().replace('\\', "/"), bytes));
        }
    }
    files.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    files
        .into_iter()
        .map(|(_, name, bytes)| (name, bytes))
        .collect()
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
        }
    }

    fn sh(script: &str, limits: Limits) -> RunOutput {
        let work = tempfile::tempdir().unwrap();
        run(
            Path::new("/bin/sh"),
            &["-c".into(), script.into()],
            work.path(),
            limits,
        )
        .unwrap()
    }

    #[test]
    fn captures_streams_exit_code_and_files() {
        let out = sh(
            "echo out; echo err >&2; printf '<svg/>' > plot.svg; exit 3",
            limits(),
        );
        assert_eq!(out.ending, Ending::Exited(3));
        assert_eq!(out.stdout.text, "out\n");
        assert_eq!(out.stderr.text, "err\n");
        assert_eq!(out.files, [("plot.svg".to_string(), b"<svg/>".to_vec())]);
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
        let out = run(Path::new("/bin/sh"), &["-c".into(), script], work.path(), l).unwrap();
        assert_eq!(out.ending, Ending::TimedOut);
        std::thread::sleep(Duration::from_millis(2500));
        assert!(
            !marker.exists(),
            "the background child was killed with its group"
        );
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
        let work = tempfile::tempdir().unwrap();
        let script = "x = bytearray(200_000_000); print(len(x))";
        let out = run(
            Path::new("python3"),
            &["-c".into(), script.into()],
            work.path(),
            l,
        )
        .unwrap();
        assert_ne!(out.ending, Ending::Exited(0), "{out:?}");
        assert!(out.stderr.text.contains("MemoryError"), "{out:?}");
    }

    #[test]
    fn files_come_in_the_order_they_were_written() {
        let out = sh(
            "echo b > zeta.svg; sleep 0.05; echo a > alpha.svg",
            limits(),
        );
        let names: Vec<_> = out.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["zeta.svg", "alpha.svg"]);
        // Within one clock tick too.
        let out = sh(
            "echo 1 > zz.svg; echo 2 > mm.svg; echo 3 > aa.svg",
            limits(),
        );
        let names: Vec<_> = out.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["zz.svg", "mm.svg", "aa.svg"]);
    }

    #[test]
    fn big_files_are_not_collected() {
        let mut l = limits();
        l.file_size = 1000;
        let out = sh(
            "head -c 500 /dev/zero > small.bin; head -c 5000 /dev/zero > big.bin; true",
            l,
        );
        let names: Vec<_> = out.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["small.bin"]);
    }
}
