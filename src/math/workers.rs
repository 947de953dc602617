//! KaTeX worker threads: each keeps its own warm JavaScript engine, formulas are rendered on
//! all cores, and a formula that runs past its deadline is reported and abandoned (its thread is
//! replaced) instead of hanging the build.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What rendering one formula gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The HTML.
    Rendered(String),
    /// KaTeX's error message.
    Failed(String),
    /// It ran past the deadline.
    TimedOut,
}

/// One formula to render.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    /// The TeX.
    pub tex: String,
    /// Display or inline mode.
    pub display: bool,
}

struct Task {
    id: usize,
    job: Job,
    options: Arc<katex::Opts>,
    running: Arc<Mutex<HashMap<usize, Instant>>>,
    reply: Sender<(usize, Outcome)>,
}

/// A pool of KaTeX threads that lives as long as the process (or the `serve` session).
pub(crate) struct Workers {
    sender: Sender<Task>,
    receiver: Arc<Mutex<Receiver<Task>>>,
}

impl Workers {
    /// Starts `count` threads; their engines start on first use.
    pub(crate) fn new(count: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Task>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = Self { sender, receiver };
        for _ in 0..count.max(1) {
            workers.spawn();
        }
        workers
    }

    fn spawn(&self) {
        let receiver = Arc::clone(&self.receiver);
        thread::Builder::new()
            .name("katex".into())
            .spawn(move || {
                loop {
                    let task = {
                        let Ok(guard) = receiver.lock() else { return };
                        match guard.recv() {
                            Ok(task) => task,
                            Err(_) => return,
                        }
                    };
                    if let Ok(mut running) = task.running.lock() {
                        running.insert(task.id, Instant::now());
                    }
                    let outcome = render_one(&task.job, &task.options);
                    if let Ok(mut running) = task.running.lock() {
                        running.remove(&task.id);
                    }
                    let _ = task.reply.send((task.id, outcome));
                }
            })
            .expect("starting a KaTeX thread");
    }

    /// Renders every job, each within `deadline`; results come back in job order.
    pub(crate) fn render(
        &self,
        jobs: Vec<Job>,
        options: &katex::Opts,
        deadline: Duration,
    ) -> Vec<Outcome> {
        let count = jobs.len();
        let (reply, results) = mpsc::channel();
        let running = Arc::new(Mutex::new(HashMap::new()));
        let options = Arc::new(options.clone());
        for (id, job) in jobs.into_iter().enumerate() {
            let task = Task {
                id,
                job,
                options: Arc::clone(&options),
                running: Arc::clone(&running),
                reply: reply.clone(),
            };
            self.sender
                .send(task)
                .expect("KaTeX threads outlive their pool");
        }
        let mut outcomes: Vec<Option<Outcome>> = vec![None; count];
        let mut done = 0;
        while done < count {
            match results.recv_timeout(Duration::from_millis(50)) {
                Ok((id, outcome)) => {
                    if outcomes[id].is_none() {
                        outcomes[id] = Some(outcome);
                        done += 1;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            let overdue: Vec<usize> = running
                .lock()
                .map(|r| {
                    r.iter()
                        .filter(|(_, started)| started.elapsed() > deadline)
                        .map(|(id, _)| *id)
                        .collect()
                })
                .unwrap_or_default();
            for id in overdue {
                if let Ok(mut r) = running.lock() {
                    r.remove(&id);
                }
                if outcomes[id].is_none() {
                    outcomes[id] = Some(Outcome::TimedOut);
                    done += 1;
                    // The stuck thread is abandoned; keep the pool at full strength.
                    self.spawn();
                }
            }
        }
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::TimedOut))
            .collect()
    }
}

fn render_one(job: &Job, options: &katex::Opts) -> Outcome {
    let mut options = options.clone();
    options.set_display_mode(job.display);
    match katex::render_with_opts(&job.tex, &options) {
        Ok(html) => Outcome::Rendered(html),
        Err(katex::Error::JsExecError(message)) => Outcome::Failed(message),
        Err(other) => Outcome::Failed(other.to_string()),
    }
}
