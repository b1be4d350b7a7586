// Package h2 checks the files of an H2 database folder (the db/ folder of
// e-Faktur desktop) without a JVM and without reading any file twice.
//
// A backup that copies a damaged database is worse than no backup: it looks
// like safety. So while the snapshot writer streams each file into the
// archive, a Checker sees the same bytes and decides whether they form a
// healthy H2 file. It looks only at structure that H2 itself checks or
// depends on: the MVStore file header copies and their Fletcher-32 checksums,
// chunk headers and footers, page lengths and check values, the table of
// contents of each chunk, and for the older PageStore format the static
// header, the two variable-header copies and the per-page checksums. It never
// decodes user data, so it cannot say whether a row is right, only whether
// the engine will read the file as it was written.
//
// The checks follow docs/h2-format.md (checked against files written by
// H2 1.4.197, 2.1.214 and 2.2.220). Two rules shape them:
//
//   - H2 does not notice every kind of damage (a truncated file can open and
//     silently show older data), so "H2 opens it" is not the test.
//   - A living MVStore file is full of things that look like damage and are
//     not: dead chunks, orphan footers, chunks written over the start of
//     older ones, ids that wrap. Problems are therefore reported only for the
//     chunks H2 would actually reach: the one named by the file header, the
//     one whose footer ends the file, and the chain of newer chunks from
//     there.
//
// The verdicts are ok, warning (the file is readable but something deserves
// attention, such as a database that was not closed cleanly) and damaged.
// A damaged file is a result, never an error: Checker.Write does not fail.
package h2
