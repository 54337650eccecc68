//! CPU time and page faults of the calling thread (`getrusage(RUSAGE_THREAD)`). On a shared
//! machine a call's wall-clock time moves with the load; the CPU time it used moves much less,
//! and the page faults it took (each a copy-on-write of the plugin's memory image, or a fresh
//! page) not at all, so a change can be judged by them when the medians are noisy.

use std::time::Duration;

use serde::Serialize;

/// What the calling thread has used so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ThreadUsage {
    cpu: Duration,
    minor_faults: u64,
}

/// Mean use of one call, over a run of calls.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct PerCall {
    /// User and system CPU time, in milliseconds.
    pub cpu_ms: f64,
    /// Minor page faults.
    pub page_faults: f64,
}

impl ThreadUsage {
    /// The calling thread's usage now.
    pub(crate) fn now() -> ThreadUsage {
        // SAFETY: `getrusage` only writes the struct it is given, which is plain data.
        let usage = unsafe {
            let mut usage = std::mem::zeroed::<libc::rusage>();
            // Cannot fail with a valid `who` and pointer.
            libc::getrusage(WHO, &mut usage);
            usage
        };
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
        };
        ThreadUsage {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            minor_faults: usage.ru_minflt as u64,
        }
    }

    /// The mean use of each of the `calls` made by this thread since `self`.
    pub(crate) fn per_call_since(&self, calls: usize) -> PerCall {
        let now = ThreadUsage::now();
        let calls = calls.max(1) as f64;
        PerCall {
            cpu_ms: now.cpu.saturating_sub(self.cpu).as_secs_f64() * 1000.0 / calls,
            page_faults: now.minor_faults.saturating_sub(self.minor_faults) as f64 / calls,
        }
    }
}

#[cfg(target_os = "linux")]
const WHO: libc::c_int = libc::RUSAGE_THREAD;
/// Elsewhere the whole process: the benchmark's other threads are idle while it calls.
#[cfg(not(target_os = "linux"))]
const WHO: libc::c_int = libc::RUSAGE_SELF;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_fresh_pages_counts_their_faults() {
        let pages = 64;
        let len = pages * 4096;
        // Its own anonymous mapping, so that no page of it was touched before.
        // SAFETY: a private anonymous mapping, written within its length, then unmapped.
        unsafe {
            let memory = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(memory, libc::MAP_FAILED);
            let before = ThreadUsage::now();
            for page in 0..pages {
                std::ptr::write_volatile(memory.cast::<u8>().add(page * 4096), 1);
            }
            let used = before.per_call_since(1);
            libc::munmap(memory, len);
            assert!(used.page_faults >= pages as f64, "{used:?}");
        }
    }
}
