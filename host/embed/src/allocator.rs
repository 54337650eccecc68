//! Keeps glibc's allocator from mapping and unmapping memory on every layer of the model.
//!
//! A forward pass over a batch of long passages allocates and frees buffers of tens to
//! hundreds of MiB (the attention scores are batch × heads × tokens² floats). glibc serves
//! anything above its mmap threshold (at most 32 MiB, even after adapting) with a fresh
//! `mmap`, and returns the top of the heap to the system past its trim threshold, so each
//! layer paid for page faults and unmapping: a third of the time on the machines measured.
//! Raising both thresholds keeps those buffers in the heap between layers; after a large
//! call the free memory is handed back once, so the host's resident size does not stay at
//! its peak.

/// Buffers up to this size come from the heap rather than their own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const THRESHOLD_BYTES: libc::c_int = 1 << 30;

/// Raises glibc's mmap and trim thresholds, once per process; elsewhere a no-op.
pub(crate) fn keep_model_buffers_in_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        // SAFETY: mallopt only changes allocator parameters; both options exist in every glibc.
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD_BYTES);
            libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD_BYTES);
        });
    }
}

/// Returns the heap's free memory to the system after a call that used a lot of it.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it never touches live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}
