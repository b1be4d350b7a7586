// Package derby checks the files of an Apache Derby database folder (a
// database of e-Faktur desktop, such as db/ETaxInvoice) without a JVM, as
// their bytes stream past the snapshot writer, so that each file is read
// once.
//
// A backup that copies a damaged database is worse than no backup: it looks
// like safety. The checks here look only at what Derby itself checks or
// depends on when it boots and reads a database, and they follow the
// measurements and source references of docs/derby-format.md:
//
//   - the containers in seg0/: the CRC of every page, the page format ids,
//     the page size, the container header and its CRC, the chain of
//     allocation pages and the pages they say exist (which catches a
//     truncated file), all-zero pages where Derby expects a page;
//   - the catalog: every conglomerate SYSCONGLOMERATES lists must have its
//     container file;
//   - the log: the two control files, the checkpoint they name, the chain of
//     log files, the records and the checksum records that guard them, and
//     how the valid log ends;
//   - service.properties: the keys Derby cannot boot without, encryption,
//     and a log kept outside the folder.
//
// It also tells whether the database was shut down cleanly or will run
// recovery at its next boot, and which Derby versions the files record.
//
// It never decodes user data, so it cannot say whether a row is right, nor
// whether an index agrees with its table; and a set of files that is
// consistent in itself but older than the data files it is paired with
// looks healthy. Only the real engine reading every row proves a database
// healthy; this check is the fast gate in front of it.
//
// Damage is a result, never an error: a FileCheck's Write does not fail.
// Memory stays bounded whatever the size of a file: one page buffer per
// container being read and small summaries per file.
package derby
