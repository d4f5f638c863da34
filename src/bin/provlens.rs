//! The native command-line tool.

// mimalloc instead of glibc's allocator: reading an export allocates and frees millions of
// small strings and vectors, and glibc spent a sixth of the time consolidating and unlinking
// free chunks (portal CSV reads about 40% faster). Native only; the browser build keeps its
// own allocator.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    provlens::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
