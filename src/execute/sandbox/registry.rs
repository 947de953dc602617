//! The processes kiln has started and not yet reaped, so that an interrupted kiln can end them
//! (and their process groups) before it exits. Each entry is a group leader whose pid is still
//! ours: it is removed before the process is reaped, so a signal never reaches a reused pid.

use std::collections::BTreeSet;
use std::io;
use std::process::{Child, Command};
use std::sync::Mutex;

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;

static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<i32>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Spawns `command` and records it; the lock is held across the spawn so that a concurrent
/// [`shutdown`] either sees the child or runs before it exists.
pub(super) fn spawn_registered(command: &mut Command) -> io::Result<Child> {
    let mut live = live();
    let child = command.spawn()?;
    live.insert(child.id() as i32);
    Ok(child)
}

/// Forgets a child that has exited, before it is reaped.
pub(super) fn forget(pid: i32) {
    live().remove(&pid);
}

/// Kills a registered child and its process group. The lock is held while signalling, so
/// the child cannot be forgotten and reaped (and its pid reused) in between.
pub(super) fn kill_tree(pid: i32) {
    let live = live();
    if live.contains(&pid) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        kill_group(pid);
    }
}

/// Kills the process group led by `pid`, which must still be an unreaped child of ours.
pub(super) fn kill_group(pid: i32) {
    let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
}

/// Waits until the child `pid` has exited, leaving it unreaped (`WNOWAIT`); with `block`
/// false, returns at once whether it has.
pub(super) fn await_exit(pid: i32, block: bool) -> io::Result<bool> {
    let mut flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
    if !block {
        flags |= WaitPidFlag::WNOHANG;
    }
    loop {
        match waitid(Id::Pid(Pid::from_raw(pid)), flags) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Ends every child kiln started and everything they started: for an interrupted kiln, just
/// before it exits. Children in a PID namespace take the whole namespace with them.
pub fn shutdown() {
    let live = live();
    for &pid in live.iter() {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}
