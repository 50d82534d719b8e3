#pragma once

#include <cstdint>

// PowerLossVfs: a SQLite VFS ("powerloss") over the default one that keeps
// track of what a power cut would lose. For every database and WAL file it
// keeps the durable image (the content as of the last xSync) and the writes
// and truncations made since. At the cut every later write, sync or delete
// fails; restore() then rewrites each file to its durable image plus a
// seeded random subset of the unsynced writes (the disk may have written
// any of them, in any order), and removes the -shm file (shared memory does
// not survive a power cut). xSync does not call fsync: durability here is
// the model's, so the test runs fast.
//
// Process-wide, one armed run at a time; thread-safe.
class PowerLossVfs final
{
public:
    static constexpr const char *kName = "powerloss";

    // Registers the VFS (once).
    static void install();
    // Starts a run: the cut happens on the `cutAfter`-th write/sync/truncate
    // from now (that operation fails), or at cut().
    static void arm(int64_t cutAfter);
    static void cut();
    static bool hasCut();
    // After every connection is closed: rewrites the files as a power loss
    // would leave them, keeping each unsynced write with probability
    // `keepPercent`/100 (seeded), and ends the run.
    static void restore(uint32_t seed, int keepPercent);
};
