// The CI-sized run of test/fuzz/ipc-bytes.fuzz.ts (its own case count; FUZZ_RUNS overrides it, as `npm run fuzz` does).
import '../fuzz/ipc-bytes.fuzz';
