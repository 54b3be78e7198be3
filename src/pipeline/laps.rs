//! Wall time of the stages of a build or an update, for `--timings`, the
//! preview's report and the benchmarks.

use std::time::{Duration, Instant};

/// Wall time of the stages of a build, in order.
pub struct Laps {
    pub timings: Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Laps {
    pub fn start() -> Laps {
        Laps {
            timings: Vec::new(),
            last: Instant::now(),
        }
    }

    /// Ends the stage `name`: the time since the previous lap (or the start).
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.timings.push((name, now - self.last));
        self.last = now;
    }

    /// Records work that ran beside the current stage (not part of the sum).
    pub fn note(&mut self, name: &'static str, took: Duration) {
        self.timings.push((name, took));
    }
}
