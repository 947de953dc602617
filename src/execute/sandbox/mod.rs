//! Containment of the processes kiln starts: a [`Jail`] says what a child may do (its own PID
//! namespace, no network, writes only under some folders, resource limits) and
//! [`Jail::spawn`] starts a command under it. The kernel does the work: on Linux a PID
//! namespace ends every process a block started when the block ends, a network namespace (and
//! Landlock's network rules) refuse sockets, Landlock confines writes, and
//! `PR_SET_PDEATHSIG` ends the child when kiln does. Where the kernel offers less, the child
//! keeps its own process group and kiln kills the group.
//!
//! [`probe`] finds once per process what this machine offers; the execution stage decides from
//! it, and from `execute.sandbox`, what to ask for.

#[cfg(target_os = "linux")]
mod linux;
mod registry;

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::OnceLock;

pub use registry::shutdown;

/// Resource limits set in the child before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceLimits {
    /// Bytes of data memory (heap and private mappings).
    pub memory: u64,
    /// Largest file the program may write.
    pub file_size: u64,
}

/// What a child started under it may do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jail {
    /// Run the child as the first process of its own PID namespace, so that everything it
    /// starts ends with it.
    pub pid_namespace: bool,
    /// Refuse network sockets (a network namespace, and Landlock's TCP rules).
    pub no_network: bool,
    /// When set, the child may create or change files only beneath these folders (and write
    /// to `/dev/null`); it can still read everything it could before.
    pub writable: Option<Vec<PathBuf>>,
    /// Limits on memory and file size.
    pub limits: Option<ResourceLimits>,
}

/// A child started under a [`Jail`]. Dropping it without waiting kills it.
#[derive(Debug)]
pub struct Contained {
    /// The process kiln started (with a PID namespace, the supervisor that waits for the
    /// namespace's first process and exits as it does).
    pub child: Child,
    waited: bool,
}

/// Kills a contained child from another thread, as long as it has not been reaped.
#[derive(Clone, Copy, Debug)]
pub struct Killer {
    pid: i32,
}

impl Killer {
    /// Kills the child and everything it started; does nothing once it has been waited for.
    pub fn kill(&self) {
        registry::kill_tree(self.pid);
    }
}

impl Contained {
    /// Kills the child and everything it started, without reaping it.
    pub fn kill(&mut self) {
        self.killer().kill();
    }

    /// A handle that can kill the child from another thread.
    pub fn killer(&self) -> Killer {
        Killer {
            pid: self.child.id() as i32,
        }
    }

    /// Waits for the child to end, then makes sure nothing it started is left.
    pub fn wait(&mut self) -> io::Result<std::process::ExitStatus> {
        if !self.waited {
            registry::await_exit(self.child.id() as i32, true)?;
            self.finish();
        }
        self.child.wait()
    }

    /// Whether the child has ended, without blocking; cleans up after it when it has.
    pub fn try_wait(&mut self) -> io::Result<Option<std::process::ExitStatus>> {
        if !self.waited {
            if !registry::await_exit(self.child.id() as i32, false)? {
                return Ok(None);
            }
            self.finish();
        }
        self.child.try_wait()
    }

    /// Called once the child has exited but before it is reaped, while its pid (and so its
    /// process group's id) cannot belong to anyone else: ends whatever is left in its group.
    fn finish(&mut self) {
        self.waited = true;
        let pid = self.child.id() as i32;
        registry::kill_group(pid);
        registry::forget(pid);
    }
}

impl Drop for Contained {
    fn drop(&mut self) {
        if !self.waited {
            self.kill();
            let _ = self.wait();
        }
    }
}

impl Jail {
    /// Starts `command` under this jail. The command gets its own process group; it is
    /// registered so that [`shutdown`] can end it when kiln is interrupted.
    pub fn spawn(&self, command: &mut Command) -> io::Result<Contained> {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        #[cfg(target_os = "linux")]
        linux::prepare(self, command)?;
        #[cfg(not(target_os = "linux"))]
        portable::prepare(self, command)?;
        let child = registry::spawn_registered(command)?;
        Ok(Contained {
            child,
            waited: false,
        })
    }
}

/// What this machine's kernel lets kiln use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Available {
    /// A PID namespace per child.
    pub pid_namespace: bool,
    /// A network namespace per child.
    pub net_namespace: bool,
    /// Namespaces need a user namespace (kiln is not privileged).
    pub user_namespace: bool,
    /// Landlock confines writes.
    pub landlock_fs: bool,
    /// Landlock refuses TCP connections and listening sockets.
    pub landlock_net: bool,
    /// Landlock keeps signals and abstract sockets inside the child.
    pub landlock_scope: bool,
    /// The child dies with kiln (`PR_SET_PDEATHSIG`).
    pub death_signal: bool,
}

impl Available {
    /// The protections missing for `jail`, in words; empty when it is fully contained.
    pub fn missing(&self, jail: &Jail) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if jail.pid_namespace && !self.pid_namespace {
            missing.push(
                "no PID namespace: a process that leaves the block's process group can outlive it",
            );
        }
        if jail.no_network && !self.net_namespace && !self.landlock_net {
            missing
                .push("no network namespace or Landlock network rules: blocks can use the network");
        } else if jail.no_network && !self.net_namespace {
            missing.push(
                "no network namespace: only TCP is refused (Landlock), UDP and local sockets are not",
            );
        }
        if jail.writable.is_some() && !self.landlock_fs {
            missing.push("no Landlock: blocks can write anywhere the user can");
        }
        if !self.death_signal {
            missing.push("no parent-death signal: a block outlives kiln if kiln is killed");
        }
        missing
    }
}

impl fmt::Display for Available {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yes = |b: bool| if b { "yes" } else { "no" };
        write!(
            f,
            "pid-ns {} net-ns {} user-ns {} landlock-fs {} landlock-net {} landlock-scope {} pdeathsig {}",
            yes(self.pid_namespace),
            yes(self.net_namespace),
            yes(self.user_namespace),
            yes(self.landlock_fs),
            yes(self.landlock_net),
            yes(self.landlock_scope),
            yes(self.death_signal),
        )
    }
}

/// What this machine offers, found once per process by trying each protection in a throwaway
/// child.
pub fn probe() -> Available {
    static AVAILABLE: OnceLock<Available> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            linux::probe()
        }
        #[cfg(not(target_os = "linux"))]
        {
            Available::default()
        }
    })
}

/// Containment where Linux's is not available: resource limits and a process group.
#[cfg(not(target_os = "linux"))]
#[allow(unsafe_code)]
mod portable {
    use super::Jail;
    use std::io;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    pub(super) fn prepare(jail: &Jail, command: &mut Command) -> io::Result<()> {
        if let Some(limits) = jail.limits {
            // SAFETY: the closure only makes setrlimit system calls.
            unsafe {
                command.pre_exec(move || {
                    use nix::sys::resource::{Resource, setrlimit};
                    setrlimit(Resource::RLIMIT_DATA, limits.memory, limits.memory)?;
                    setrlimit(Resource::RLIMIT_FSIZE, limits.file_size, limits.file_size)?;
                    setrlimit(Resource::RLIMIT_CORE, 0, 0)?;
                    Ok(())
                });
            }
        }
        Ok(())
    }
}
