# Sourced by the scripts: puts npm's wasm-opt first on PATH for cargo-leptos.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
