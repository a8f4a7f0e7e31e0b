//! Progress for the long commands (`seed-demo`, `import-courses`, `rebuild-stats`, `backup`): a bar on a
//! terminal (indicatif), and on a pipe or in a log a plain line at each tenth and at each new step, so a
//! twenty-minute seed never runs in silence and a log file never fills with redraws.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// One bar (with a total) or one list of steps (without).
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    unit: &'static str,
    total: u64,
    pos: u64,
    printed_tenth: u64,
    started: Instant,
}

impl Progress {
    /// A bar counting to `total` `unit`s.
    pub fn new(label: &'static str, total: u64, unit: &'static str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let template = format!("{label} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{percent}} %), {{elapsed}}, còn ~{{eta}} {{msg}}");
            bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
            bar
        });
        Progress { bar, label, unit, total, pos: 0, printed_tenth: 0, started: Instant::now() }
    }

    /// Steps without a count (each `step` names what runs now).
    pub fn steps(label: &'static str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            let template = format!("{label} {{spinner}} {{elapsed}} {{msg}}");
            bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_spinner()));
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress { bar, label, unit: "", total: 0, pos: 0, printed_tenth: 0, started: Instant::now() }
    }

    /// Name the step that starts now.
    pub fn step(&mut self, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_string()),
            None => eprintln!("{}: {what} ({:.1} s)", self.label, self.started.elapsed().as_secs_f64()),
        }
    }

    /// Move to `pos` of the total.
    pub fn set(&mut self, pos: u64) {
        self.pos = pos.min(self.total.max(pos));
        match &self.bar {
            Some(bar) => bar.set_position(self.pos),
            None if self.total > 0 => {
                let tenth = self.pos * 10 / self.total;
                if tenth > self.printed_tenth {
                    self.printed_tenth = tenth;
                    eprintln!(
                        "{}: {}/{} {} ({} %), {:.1} s",
                        self.label,
                        self.pos,
                        self.total,
                        self.unit,
                        self.pos * 100 / self.total,
                        self.started.elapsed().as_secs_f64()
                    );
                }
            }
            None => {}
        }
    }

    /// Count `n` more.
    pub fn inc(&mut self, n: u64) {
        self.set(self.pos + n);
    }

    /// Done: the bar stays on screen with its last figures.
    pub fn finish(self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
