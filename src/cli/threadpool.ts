// Imported first by the CLI: libuv reads this once, when its thread pool first starts. Walks and greps keep
// many file operations in flight, and the default of 4 threads leaves the disk and both cores idle.
process.env.UV_THREADPOOL_SIZE ??= '16';
