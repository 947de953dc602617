//! Linux containment, set up in the child between `fork` and `exec` (`pre_exec`): the parent
//! prepares everything that allocates (Landlock rulesets, user-namespace maps); the child makes
//! only system calls. With a PID namespace the child forks once more: it stays behind as a
//! supervisor that exits as the namespace's first process does, so that kiln's handle on it
//! reports the program's own exit status, and killing it (or kiln's death) takes the whole
//! namespace down.

#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use landlock::{
    ABI, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr,
    RulesetStatus, Scope, path_beneath_rules,
};
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use nix::sys::prctl::set_pdeathsig;
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid};

use super::{Available, Jail, ResourceLimits};

/// The newest Landlock ABI whose rights kiln asks for; older kernels get what they support.
const LANDLOCK_ABI: ABI = ABI::V7;

/// User and group maps that keep the caller's ids inside a new user namespace.
struct IdMaps {
    setgroups: CString,
    uid_map: CString,
    gid_map: CString,
    uid_line: Vec<u8>,
    gid_line: Vec<u8>,
}

impl IdMaps {
    fn current() -> Self {
        let uid = nix::unistd::getuid().as_raw();
        let gid = nix::unistd::getgid().as_raw();
        let path = |p: &str| CString::new(p).expect("no NUL");
        Self {
            setgroups: path("/proc/self/setgroups"),
            uid_map: path("/proc/self/uid_map"),
            gid_map: path("/proc/self/gid_map"),
            uid_line: format!("{uid} {uid} 1\n").into_bytes(),
            gid_line: format!("{gid} {gid} 1\n").into_bytes(),
        }
    }

    /// Writes the maps; only system calls, so it may run between fork and exec.
    fn write(&self) -> io::Result<()> {
        write_file(&self.setgroups, b"deny")?;
        write_file(&self.uid_map, &self.uid_line)?;
        write_file(&self.gid_map, &self.gid_line)
    }
}

fn write_file(path: &CString, bytes: &[u8]) -> io::Result<()> {
    // SAFETY: plain system calls on a valid C string and a valid buffer.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let written = libc::write(fd, bytes.as_ptr().cast(), bytes.len());
        let error = io::Error::last_os_error();
        libc::close(fd);
        if written != bytes.len() as isize {
            return Err(error);
        }
    }
    Ok(())
}

/// The namespaces to create, with the user namespace that unprivileged callers need.
fn namespaces(pid: bool, net: bool, user: bool) -> CloneFlags {
    let mut flags = CloneFlags::empty();
    if pid {
        flags |= CloneFlags::CLONE_NEWPID;
    }
    if net {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    if user && !flags.is_empty() {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    flags
}

/// A Landlock ruleset for `jail`, built from what the kernel supports.
fn ruleset(jail: &Jail, available: &Available) -> io::Result<Option<RulesetCreated>> {
    let confine_writes = jail.writable.is_some() && available.landlock_fs;
    let refuse_tcp = jail.no_network && available.landlock_net;
    let scope = available.landlock_scope;
    if !confine_writes && !refuse_tcp && !scope {
        return Ok(None);
    }
    let write = AccessFs::from_write(LANDLOCK_ABI);
    let mut ruleset = Ruleset::default();
    if confine_writes {
        ruleset = ruleset.handle_access(write).map_err(io::Error::other)?;
    }
    if refuse_tcp {
        ruleset = ruleset
            .handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)
            .map_err(io::Error::other)?;
    }
    if scope {
        ruleset = ruleset
            .scope(Scope::AbstractUnixSocket | Scope::Signal)
            .map_err(io::Error::other)?;
    }
    let mut created = ruleset.create().map_err(io::Error::other)?;
    if let Some(dirs) = jail.writable.as_ref().filter(|_| confine_writes) {
        created = created
            .add_rules(path_beneath_rules(dirs, write))
            .map_err(io::Error::other)?
            .add_rules(path_beneath_rules([Path::new("/dev/null")], write))
            .map_err(io::Error::other)?;
    }
    Ok(Some(created))
}

/// Installs the containment of `jail` on `command`.
pub(super) fn prepare(jail: &Jail, command: &mut Command) -> io::Result<()> {
    let available = super::probe();
    let parent = std::process::id() as i32;
    let pid_namespace = jail.pid_namespace && available.pid_namespace;
    let net_namespace = jail.no_network && available.net_namespace;
    let flags = namespaces(pid_namespace, net_namespace, available.user_namespace);
    let maps = flags
        .contains(CloneFlags::CLONE_NEWUSER)
        .then(IdMaps::current);
    let mut ruleset = ruleset(jail, &available)?;
    let limits = jail.limits;
    let death_signal = available.death_signal;
    let max_fd = max_fd();
    // SAFETY: the closure runs in the child between fork and exec. It only makes system calls
    // (through nix and libc) on data prepared here; the one allocation is on an error path.
    unsafe {
        command.pre_exec(move || {
            if death_signal {
                set_pdeathsig(Signal::SIGKILL)?;
                if getppid().as_raw() != parent {
                    // kiln ended before the child could ask to die with it.
                    libc::_exit(1);
                }
            }
            if let Some(limits) = limits {
                set_limits(limits)?;
            }
            if !flags.is_empty() {
                unshare(flags)?;
                if let Some(maps) = &maps {
                    maps.write()?;
                }
            }
            if pid_namespace {
                match fork()? {
                    ForkResult::Parent { child } => supervise(child, max_fd),
                    ForkResult::Child => {
                        // The first process of the namespace dies with its supervisor.
                        set_pdeathsig(Signal::SIGKILL)?;
                    }
                }
            }
            if let Some(ruleset) = ruleset.take() {
                ruleset.restrict_self().map_err(io::Error::other)?;
            }
            Ok(())
        });
    }
    Ok(())
}

fn set_limits(limits: ResourceLimits) -> io::Result<()> {
    setrlimit(Resource::RLIMIT_DATA, limits.memory, limits.memory)?;
    setrlimit(Resource::RLIMIT_FSIZE, limits.file_size, limits.file_size)?;
    setrlimit(Resource::RLIMIT_CORE, 0, 0)?;
    Ok(())
}

/// The highest file descriptor number the supervisor may have to close.
fn max_fd() -> i32 {
    nix::sys::resource::getrlimit(Resource::RLIMIT_NOFILE)
        .map_or(1024, |(soft, _)| soft.min(1 << 20) as i32)
}

/// The supervisor: holds no file (so readers see the end of output when the namespace is
/// gone, and the spawning parent sees the exec succeed), waits for the namespace's first
/// process, and ends as it ended.
fn supervise(child: Pid, max_fd: i32) -> ! {
    // SAFETY: closing our own descriptors and exiting are plain system calls.
    unsafe {
        if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) != 0 {
            for fd in 0..max_fd {
                libc::close(fd);
            }
        }
    }
    loop {
        match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, code)) => unsafe { libc::_exit(code) },
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                // SAFETY: restoring the default action and raising the signal on ourselves.
                unsafe {
                    libc::signal(signal as i32, libc::SIG_DFL);
                }
                let _ = kill(getpid(), signal);
                unsafe { libc::_exit(128 + signal as i32) }
            }
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => unsafe { libc::_exit(127) },
        }
    }
}

/// Bits of the probe child's exit status.
const PROBED: i32 = 0x80;
const PID_NAMESPACE: i32 = 0x01;
const NET_NAMESPACE: i32 = 0x02;
const USER_NAMESPACE: i32 = 0x04;
const LANDLOCK_FS: i32 = 0x08;
const LANDLOCK_NET: i32 = 0x10;
const LANDLOCK_SCOPE: i32 = 0x20;
const DEATH_SIGNAL: i32 = 0x40;

/// Tries every protection in a child that exits, before any `exec`, with one bit per
/// protection that worked.
pub(super) fn probe() -> Available {
    let landlock =
        |ruleset: Result<Ruleset, landlock::RulesetError>| ruleset.and_then(Ruleset::create).ok();
    let mut fs = landlock(Ruleset::default().handle_access(AccessFs::from_write(LANDLOCK_ABI)));
    let mut net =
        landlock(Ruleset::default().handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp));
    let mut scope = landlock(Ruleset::default().scope(Scope::AbstractUnixSocket | Scope::Signal));
    let maps = IdMaps::current();
    let mut command = Command::new("/bin/true");
    // SAFETY: as in `prepare`: system calls only, and the child exits before any exec.
    unsafe {
        command.pre_exec(move || {
            let mut bits = PROBED;
            if set_pdeathsig(Signal::SIGKILL).is_ok() {
                bits |= DEATH_SIGNAL;
            }
            let plain = namespaces(true, true, false);
            if unshare(plain).is_ok() {
                bits |= PID_NAMESPACE | NET_NAMESPACE;
            } else if unshare(namespaces(true, true, true)).is_ok() && maps.write().is_ok() {
                bits |= PID_NAMESPACE | NET_NAMESPACE | USER_NAMESPACE;
            }
            let enforced = |ruleset: Option<RulesetCreated>| {
                ruleset
                    .and_then(|r| r.restrict_self().ok())
                    .is_some_and(|s| s.ruleset == RulesetStatus::FullyEnforced)
            };
            if enforced(fs.take()) {
                bits |= LANDLOCK_FS;
            }
            if enforced(net.take()) {
                bits |= LANDLOCK_NET;
            }
            if enforced(scope.take()) {
                bits |= LANDLOCK_SCOPE;
            }
            libc::_exit(bits);
        });
    }
    let code = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()
        .and_then(|s| s.code())
        .filter(|c| c & PROBED != 0)
        .unwrap_or(0);
    let has = |bit: i32| code & bit != 0;
    Available {
        pid_namespace: has(PID_NAMESPACE),
        net_namespace: has(NET_NAMESPACE),
        user_namespace: has(USER_NAMESPACE),
        landlock_fs: has(LANDLOCK_FS),
        landlock_net: has(LANDLOCK_NET),
        landlock_scope: has(LANDLOCK_SCOPE),
        death_signal: has(DEATH_SIGNAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_finds_what_this_kernel_offers() {
        let available = super::super::probe();
        // Every Linux kernel kiln supports has the parent-death signal; the rest depends on
        // the machine, and is printed for the record.
        assert!(available.death_signal, "{available}");
        eprintln!("{available}");
    }

    #[test]
    fn user_namespace_flags_come_only_with_another_namespace() {
        assert!(namespaces(false, false, true).is_empty());
        assert!(namespaces(true, false, true).contains(CloneFlags::CLONE_NEWUSER));
        assert!(!namespaces(true, true, false).contains(CloneFlags::CLONE_NEWUSER));
    }

    /// Run as root, re-runs itself as `nobody` (with `setpriv`), where the namespaces need a
    /// user namespace: the block must still be the first process of its own PID namespace.
    #[test]
    fn unprivileged_users_get_namespaces_through_a_user_namespace() {
        const INNER: &str = "KILN_TEST_UNPRIVILEGED";
        if std::env::var_os(INNER).is_some() {
            let available = super::super::probe();
            assert!(
                available.user_namespace && available.pid_namespace && available.net_namespace,
                "{available}"
            );
            let mut command = Command::new("/bin/sh");
            command
                .args(["-c", "echo $$; id -u"])
                .stdout(std::process::Stdio::piped());
            let jail = Jail {
                pid_namespace: true,
                no_network: true,
                writable: None,
                limits: None,
            };
            let mut contained = jail.spawn(&mut command).unwrap();
            let mut out = String::new();
            std::io::Read::read_to_string(&mut contained.child.stdout.take().unwrap(), &mut out)
                .unwrap();
            assert!(contained.wait().unwrap().success());
            assert_eq!(out, "1\n65534\n", "pid 1 of its namespace, still nobody");
            return;
        }
        let can = |args: &[&str]| {
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .args(args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !nix::unistd::getuid().is_root()
            || !can(&["unshare", "--user", "--pid", "--fork", "true"])
        {
            eprintln!("not root, or no unprivileged user namespaces here: nothing to test");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let status = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .args([
                "--exact",
                "execute::sandbox::linux::tests::unprivileged_users_get_namespaces_through_a_user_namespace",
                "--nocapture",
            ])
            .env(INNER, "1")
            .status()
            .unwrap();
        assert!(status.success(), "the unprivileged run failed");
    }
}
