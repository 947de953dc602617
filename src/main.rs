//! The `kiln` command: parses the command line, runs the command, prints diagnostics and sets
//! the exit status (0 on success, 1 when the site has errors, 128 + the signal when it was
//! interrupted: 130 for Ctrl-C, 143 for SIGTERM).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use kiln::cli::{Cli, Command, CommonArgs};
use kiln::content::Drafts;
use kiln::execute::Progress;
use kiln::site::{self, Mode, Options, Report, Session};

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop_cleanly_on_signals();
    let root = cli.root.clone();
    match cli.command {
        Command::Build(args) => {
            let output = if args.output.is_absolute() {
                args.output.clone()
            } else {
                root.join(&args.output)
            };
            let mut options = options(&root, &args.common, Mode::Build);
            options.no_run = args.no_run;
            match site::build(&options, &mut Session::new()) {
                Ok(report) => {
                    print_warnings(&report);
                    if let Err(e) = kiln::output::write(&report.files, &output, &root) {
                        eprintln!("error: {e}");
                        return ExitCode::FAILURE;
                    }
                    eprintln!(
                        "{}",
                        report.stats.summary(&format!("wrote {}", output.display()))
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    print_failure(&failure);
                    eprintln!(
                        "The previous output in {} was left as it was.",
                        output.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check(args) => {
            let mut options = options(&root, &args.common, Mode::Check);
            options.shard = args.shard;
            if args.twice {
                options.twice = true;
                options.fresh = true;
            }
            let mut session = Session::new();
            let built = site::build(&options, &mut session);
            let mut status = match built {
                Ok(report) => {
                    print_warnings(&report);
                    eprintln!("{}", report.stats.summary("checked"));
                    if args.common.timings {
                        eprintln!("{}", report.stats.timings());
                    }
                    if args.deny_warnings && !report.warnings.is_empty() {
                        eprintln!(
                            "{} warning(s), denied by --deny-warnings",
                            report.warnings.len()
                        );
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(failure) => {
                    print_failure(&failure);
                    ExitCode::FAILURE
                }
            };
            // Reports are written whether the check passed or not: CI reads them either way.
            for target in &args.reports {
                match kiln::report::write(target, session.blocks()) {
                    Ok(()) => eprintln!("wrote the report {}", target.path.display()),
                    Err(e) => {
                        eprintln!(
                            "error: cannot write the report {}: {e}",
                            target.path.display()
                        );
                        status = ExitCode::FAILURE;
                    }
                }
            }
            status
        }
        Command::Serve(args) => {
            let options = options(&root, &args.common, Mode::Serve);
            match kiln::serve::serve(options, &args.bind, args.port, args.open) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Cache(command) => cache(&root, command),
        Command::New(args) => {
            let date = args
                .date
                .clone()
                .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
            match kiln::scaffold::new_post(
                &root,
                &args.part,
                &args.title,
                args.slug.as_deref(),
                &date,
            ) {
                Ok(path) => {
                    eprintln!(
                        "created {} (a draft: build with --drafts to see it)",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `kiln cache export|import FILE`.
fn cache(root: &Path, command: kiln::cli::CacheCommand) -> ExitCode {
    use kiln::cli::CacheCommand;
    let (args, export) = match command {
        CacheCommand::Export(args) => (args, true),
        CacheCommand::Import(args) => (args, false),
    };
    let mut options = Options::new(root, Mode::Build);
    options.cache_dir = args.cache_dir.clone();
    let cache_dir = options.cache_dir();
    let moved = if export {
        kiln::execute::transfer::export(&cache_dir, &args.file)
    } else {
        kiln::execute::transfer::import(&cache_dir, &args.file)
    };
    match moved {
        Ok(moved) if export => {
            eprintln!(
                "exported {} results and {} figures from {} to {}",
                moved.results,
                moved.figures,
                cache_dir.display(),
                args.file.display()
            );
            ExitCode::SUCCESS
        }
        Ok(moved) => {
            eprintln!(
                "imported {} results and {} figures into {} ({} it had already, kept)",
                moved.results,
                moved.figures,
                cache_dir.display(),
                moved.kept
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP (and, on Linux, when kiln's parent dies), ends every lesson
/// program and compiler kiln started, lets a swap of the published folder finish, and exits
/// with 128 + the signal. Nothing is written after that: the previous output stays as it was.
fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGTERM);
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("warning: cannot handle interruptions cleanly: {e}");
            return;
        }
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            kiln::execute::sandbox::shutdown();
            kiln::output::hold_swaps();
            eprintln!(
                "\ninterrupted: every lesson program and compiler kiln started was stopped; the previous output was left as it was"
            );
            std::process::exit(128 + signal);
        }
    });
}

fn options(root: &Path, common: &CommonArgs, mode: Mode) -> Options {
    let mut options = Options::new(root, mode);
    options.drafts = if common.drafts {
        Drafts::Include
    } else {
        Drafts::Exclude
    };
    options.fresh = common.fresh;
    options.cache_dir = common.cache_dir.clone();
    options.progress = Progress::detect();
    options
}

fn print_warnings(report: &Report) {
    for notice in &report.notices {
        eprintln!("note: {notice}");
    }
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
}

fn print_failure(failure: &kiln::diagnostics::Failure) {
    eprintln!("{failure}");
    if let Some(summary) = &failure.summary {
        eprintln!("{summary}");
    }
}
