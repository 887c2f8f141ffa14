/// mimalloc instead of the system allocator: fewer CPU cycles in the many
/// small allocations of rendering and indexing (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    aula::cli::main()
}
