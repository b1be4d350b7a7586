package h2

import (
	"fmt"
	"sort"
)

// Verdict is the outcome of a check, in order of severity.
type Verdict string

const (
	OK      Verdict = "ok"
	Warning Verdict = "warning"
	Damaged Verdict = "damaged"
)

func (v Verdict) rank() int {
	switch v {
	case OK:
		return 0
	case Warning:
		return 1
	case Damaged:
		return 2
	}
	return 2 // an unknown verdict is not a reason to relax
}

// Worse reports whether v is more severe than w.
func (v Verdict) Worse(w Verdict) bool { return v.rank() > w.rank() }

// Finding is one problem found in a file.
type Finding struct {
	Verdict Verdict // Warning or Damaged
	Code    string  // stable machine code, one of the Code* constants
	Offset  int64   // byte offset it applies to, -1 if none
	Detail  string  // English detail with the numbers, for the record
}

// Result is everything the checks found about one file.
type Result struct {
	File      string  // name relative to the db folder, with "/"
	Kind      string  // one of the Kind* constants
	Verdict   Verdict // the worst of Findings; OK if none
	Format    string  // "MVStore format 2", "PageStore", ...; "" for non-database files
	H2Version string  // "build 214" when the file names its creating build, else the range of the format; "" if unknown
	Clean     *bool   // MVStore: whether the header says it was closed cleanly; nil where not applicable or not knowable
	Findings  []Finding
}

// The kinds of file in an H2 database folder.
const (
	KindMVStore   = "mvstore"
	KindPageStore = "pagestore"
	KindTrace     = "trace"
	KindLeftover  = "leftover"
	KindLock      = "lock"
	KindEncrypted = "encrypted"
	KindUnknown   = "unknown"
)

// The finding codes. They are stable: snapshots record them and scripts
// match them, so a code is never renamed, only added.
const (
	CodeTooSmall           = "too-small"
	CodeSizeNotAligned     = "size-not-aligned"
	CodeSizeChanged        = "size-changed"
	CodeHeaderCopyBad      = "header-copy-bad"
	CodeHeaderBothBad      = "header-both-bad"
	CodeHeaderCopiesDiffer = "header-copies-differ"
	CodeNotClean           = "not-clean"
	CodeCleanHeaderStale   = "clean-header-stale"
	CodeChunkMissing       = "chunk-missing"
	CodeTruncated          = "truncated"
	CodeFooterBad          = "footer-bad"
	CodeFooterMismatch     = "footer-mismatch"
	CodePageBad            = "page-bad"
	CodePageCheck          = "page-check"
	CodeTOCBad             = "toc-bad"
	CodeNoChunk            = "no-chunk"
	CodeChunkOverlap       = "chunk-overlap"
	CodeMagicBad           = "magic-bad"
	CodeMagicCopyBad       = "magic-copy-bad"
	CodePageSizeBad        = "page-size-bad"
	CodeVersionUnsupported = "version-unsupported"
	CodeWriteVersionNewer  = "write-version-newer"
	CodeLogNotEmpty        = "log-not-empty"
	CodeTrace90030         = "trace-90030"
	CodeTrace90020         = "trace-90020"
	CodeLeftoverTempFile   = "leftover-tempfile"
	CodeLeftoverNewFile    = "leftover-newfile"
	CodePageStoreAndMV     = "pagestore-and-mvstore"
)

// message is a finding's human text in English and Indonesian, and what
// to do about it.
type message struct{ en, id string }

var messages = map[string]message{
	CodeTooSmall: {
		"the file is too small to be an H2 database; it was cut short",
		"file terlalu kecil untuk database H2; file terpotong"},
	CodeSizeNotAligned: {
		"the file size is not a whole number of blocks; the file was cut short or extended by something other than H2",
		"ukuran file bukan kelipatan blok; file terpotong atau ditambah oleh sesuatu selain H2"},
	CodeSizeChanged: {
		"the file changed size while it was being read; the copy may be inconsistent",
		"ukuran file berubah saat dibaca; salinannya mungkin tidak konsisten"},
	CodeHeaderCopyBad: {
		"one of the two copies of the file header is damaged; H2 still opens the file with the other copy",
		"salah satu dari dua salinan header file rusak; H2 masih bisa membuka file dengan salinan lainnya"},
	CodeHeaderBothBad: {
		"both copies of the file header are damaged; H2 cannot open this file",
		"kedua salinan header file rusak; H2 tidak bisa membuka file ini"},
	CodeHeaderCopiesDiffer: {
		"the two copies of the file header differ",
		"dua salinan header file berbeda"},
	CodeNotClean: {
		"the database was not closed cleanly (it is open, or the program crashed)",
		"database tidak ditutup dengan benar (sedang terbuka, atau program berhenti mendadak)"},
	CodeCleanHeaderStale: {
		"the header says the database was closed cleanly, but newer data follows; H2 would show the older data",
		"header menyatakan database ditutup dengan benar, tetapi ada data yang lebih baru; H2 akan menampilkan data lama"},
	CodeChunkMissing: {
		"a block of data that the file points to is missing",
		"blok data yang dirujuk file tidak ada"},
	CodeTruncated: {
		"the file is cut short: data it points to lies past its end",
		"file terpotong: data yang dirujuknya berada di luar akhir file"},
	CodeFooterBad: {
		"the end marker of a block of data is damaged",
		"penanda akhir sebuah blok data rusak"},
	CodeFooterMismatch: {
		"the start and end markers of a block of data disagree",
		"penanda awal dan akhir sebuah blok data tidak cocok"},
	CodePageBad: {
		"a page of data is damaged",
		"sebuah halaman data rusak"},
	CodePageCheck: {
		"a page of data fails its checksum",
		"sebuah halaman data gagal diperiksa checksum-nya"},
	CodeTOCBad: {
		"the table of contents of a block of data is damaged",
		"daftar isi sebuah blok data rusak"},
	CodeChunkOverlap: {
		"two blocks of data in use claim the same place in the file",
		"dua blok data yang dipakai menempati tempat yang sama di file"},
	CodeNoChunk: {
		"the file holds no readable data",
		"file tidak berisi data yang bisa dibaca"},
	CodeMagicBad: {
		"the file does not start like an H2 database file; its first bytes are damaged",
		"awal file tidak seperti file database H2; byte pertamanya rusak"},
	CodeMagicCopyBad: {
		"a spare copy of the file signature is damaged; H2 does not use it",
		"salinan cadangan tanda file rusak; H2 tidak memakainya"},
	CodePageSizeBad: {
		"the page size in the file header is impossible",
		"ukuran halaman di header file tidak mungkin"},
	CodeVersionUnsupported: {
		"the file format version is one H2 refuses to read",
		"versi format file ditolak oleh H2"},
	CodeWriteVersionNewer: {
		"the file was written by a newer H2; older versions open it read-only",
		"file ditulis oleh H2 yang lebih baru; versi lama hanya bisa membacanya"},
	CodeLogNotEmpty: {
		"the transaction log is not empty (the database is open, or the program crashed)",
		"log transaksi tidak kosong (database sedang terbuka, atau program berhenti mendadak)"},
	CodeTrace90030: {
		"the H2 log records that H2 found this database damaged (error 90030)",
		"log H2 mencatat bahwa H2 menemukan database ini rusak (error 90030)"},
	CodeTrace90020: {
		"the H2 log records that the database was in use by another program (error 90020)",
		"log H2 mencatat bahwa database sedang dipakai program lain (error 90020)"},
	CodeLeftoverTempFile: {
		"a temporary file left by an interrupted database compaction",
		"file sementara sisa pemadatan database yang terputus"},
	CodeLeftoverNewFile: {
		"a new file left by an interrupted database compaction",
		"file baru sisa pemadatan database yang terputus"},
	CodePageStoreAndMV: {
		"both an old-format (.h2.db) and a new-format (.mv.db) database with the same name; a newer H2 may have created an empty one beside the real one",
		"ada database format lama (.h2.db) dan format baru (.mv.db) dengan nama yang sama; H2 versi baru mungkin membuat database kosong di samping yang asli"},
}

// Codes returns every finding code, sorted; tests use it to prove each has
// both languages.
func Codes() []string {
	out := make([]string, 0, len(messages))
	for c := range messages {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Message returns the finding as text for a person, in lang ("en" or
// "id"; anything else is English). The detail stays as recorded, with its
// numbers, because support staff compare it across machines.
func (f Finding) Message(lang string) string {
	m, ok := messages[f.Code]
	text := f.Code
	if ok {
		text = m.en
		if lang == "id" {
			text = m.id
		}
	}
	if f.Detail == "" {
		return text
	}
	return text + " (" + f.Detail + ")"
}

// finding builds a Finding with a formatted detail.
func finding(v Verdict, code string, off int64, format string, args ...any) Finding {
	return Finding{Verdict: v, Code: code, Offset: off, Detail: fmt.Sprintf(format, args...)}
}

// finish sets the verdict from the findings.
func (r *Result) finish() {
	r.Verdict = OK
	for _, f := range r.Findings {
		if f.Verdict.Worse(r.Verdict) {
			r.Verdict = f.Verdict
		}
	}
}
