package i18n

// The details of what the database checks find: the structure check of
// Derby's files (derby.detail.*) and the real engine's proof
// (deepcheck.detail.*). The English text is also what JSON and the
// manifest carry, so it does not change; a piece of a detail (a reason,
// one of two wordings) is a key of its own, passed as an argument.
func init() {
	for k, v := range map[string]msg{
		// Any file: past the findings kept of one kind.
		"derby.detail.more": {"%d more findings of this kind in this file", "%d temuan lain sejenis di file ini"},

		// service.properties.
		"derby.detail.props-too-large": {
			"the file is larger than %d bytes, which no database's service.properties is",
			"file ini lebih besar dari %d byte, ukuran yang tidak pernah dimiliki service.properties sebuah database",
		},
		"derby.detail.props-old-only": {
			"service.properties is missing but service.propertiesold is there: Derby was rewriting the file when it stopped, and restores the old copy at its next boot",
			"service.properties tidak ada, tetapi service.propertiesold ada: Derby sedang menulis ulang file itu saat berhenti, dan memulihkan salinan lamanya saat dibuka berikutnya",
		},
		"derby.detail.props-missing": {
			"service.properties is missing: Derby does not know the folder as a database without it",
			"service.properties tidak ada: tanpa file itu Derby tidak mengenali folder ini sebagai database",
		},
		"derby.detail.props-old-left": {
			"service.propertiesold is left from a rewrite of service.properties that did not finish; at its next boot Derby %s",
			"service.propertiesold tertinggal dari penulisan ulang service.properties yang tidak selesai; saat dibuka berikutnya Derby %s",
		},
		"derby.detail.props-old-keep":    {"keeps service.properties, which is complete", "mempertahankan service.properties, yang sudah lengkap"},
		"derby.detail.props-old-replace": {"replaces service.properties with it", "mengganti service.properties dengan salinan lama itu"},
		"derby.detail.props-escape": {
			"%d lines have an escape Java's Properties cannot read, so Derby cannot load the file",
			"%d baris memuat escape yang tidak dapat dibaca Properties milik Java, sehingga Derby tidak dapat memuat file ini",
		},
		"derby.detail.props-key-missing": {"the key %s is missing", "kunci %s tidak ada"},
		"derby.detail.props-protocol":    {"%s is not %s", "%s bukan %s"},
		"derby.detail.props-boot-key": {
			"the key %s is missing; Derby cannot boot the database without it",
			"kunci %s tidak ada; tanpa kunci itu Derby tidak dapat membuka database",
		},
		"derby.detail.props-not-number": {"the value of %s is not a conglomerate number", "nilai %s bukan nomor conglomerate"},
		"derby.detail.log-device": {
			"the log lives outside the database folder (%s is set): a copy of this folder does not hold the log, and recovery needs it",
			"log berada di luar folder database (%s diatur): salinan folder ini tidak memuat log, padahal pemulihan memerlukannya",
		},
		"derby.detail.encrypted": {
			"the database is encrypted (dataEncryption=true): its pages and log records cannot be checked without the boot password; only the unencrypted headers and the framing of the log were checked",
			"database terenkripsi (dataEncryption=true): halaman dan catatan log-nya tidak dapat diperiksa tanpa kata sandi boot; hanya header yang tidak terenkripsi dan bingkai catatan log yang diperiksa",
		},

		// The catalog and the containers it names.
		"derby.detail.catalog-moved": {
			"SYSCONGLOMERATES is conglomerate %d, not %d as in every database Derby creates; its rows were not read, so missing containers of tables and indexes were not looked for",
			"SYSCONGLOMERATES adalah conglomerate %d, bukan %d seperti di setiap database yang dibuat Derby; baris-barisnya tidak dibaca, jadi container tabel dan indeks yang hilang tidak dicari",
		},
		"derby.detail.catalog-rows-skipped": {
			"%d rows of SYSCONGLOMERATES could not be read (overflowed to other pages, or unreadable) and were skipped: the containers they name were not looked for",
			"%d baris SYSCONGLOMERATES tidak dapat dibaca (meluap ke halaman lain, atau rusak) dan dilewati: container yang disebutnya tidak dicari",
		},
		"derby.detail.container-missing": {
			"conglomerate %d, named by %s, has no container file (Derby fails with XSAI2 or cannot boot)",
			"conglomerate %d, yang disebut oleh %s, tidak punya file container (Derby gagal dengan XSAI2 atau tidak dapat dibuka)",
		},

		// The log control files.
		"derby.detail.log-missing": {
			"the log is missing (no control files, no log files): Derby starts a new log and skips recovery, so whatever recovery would replay is lost",
			"log tidak ada (tidak ada file kontrol maupun file log): Derby memulai log baru dan melewati pemulihan, sehingga apa pun yang akan diputar ulang oleh pemulihan hilang",
		},
		"derby.detail.mirror-missing": {
			"logmirror.ctrl is missing: Derby needs it only when log.ctrl is damaged, and writes it again at the next checkpoint",
			"logmirror.ctrl tidak ada: Derby hanya memerlukannya bila log.ctrl rusak, dan menulisnya lagi pada checkpoint berikutnya",
		},
		"derby.detail.ctrl-unusable-mirror-ok": {
			"log.ctrl cannot be used (%s); Derby reads logmirror.ctrl instead, which is intact",
			"log.ctrl tidak dapat dipakai (%s); Derby membaca logmirror.ctrl sebagai gantinya, yang masih utuh",
		},
		"derby.detail.ctrl-unusable": {
			"log.ctrl cannot be used (%s) and logmirror.ctrl cannot stand in for it: Derby recovers from log1.dat if it is there, and otherwise starts a new log and skips recovery",
			"log.ctrl tidak dapat dipakai (%s) dan logmirror.ctrl tidak dapat menggantikannya: Derby memulihkan dari log1.dat jika ada, dan jika tidak, memulai log baru dan melewati pemulihan",
		},
		"derby.detail.ctrl-mismatch": {
			"log.ctrl names checkpoint %s and logmirror.ctrl %s: a copy caught Derby between writing the two, or one was damaged; Derby uses log.ctrl",
			"log.ctrl menyebut checkpoint %s dan logmirror.ctrl %s: salinan dibuat saat Derby baru menulis salah satunya, atau salah satunya rusak; Derby memakai log.ctrl",
		},
		"derby.detail.durability-test": {
			"the database was booted at least once with derby.system.durability=test, which does not sync the log: Derby no longer guarantees it recovers or keeps committed transactions",
			"database pernah dibuka setidaknya sekali dengan derby.system.durability=test, yang tidak menyinkronkan log ke disk: Derby tidak lagi menjamin pemulihan atau tersimpannya transaksi yang sudah di-commit",
		},
		"derby.detail.ctrl-missing": {
			"log.ctrl is missing: Derby ignores logmirror.ctrl then, and %s",
			"log.ctrl tidak ada: Derby lalu mengabaikan logmirror.ctrl, dan %s",
		},
		"derby.detail.ctrl-missing-log1": {"recovers from log1.dat, which is there", "memulihkan dari log1.dat, yang tersedia"},
		"derby.detail.ctrl-missing-clean": {
			"starts a new log; the database was shut down cleanly, so nothing is lost",
			"memulai log baru; database ditutup dengan benar, jadi tidak ada yang hilang",
		},
		"derby.detail.ctrl-missing-lost": {
			"log.ctrl is missing: Derby ignores logmirror.ctrl then, finds no log1.dat, starts a new log and skips recovery; the database was not shut down cleanly, so the changes recovery would replay are lost",
			"log.ctrl tidak ada: Derby lalu mengabaikan logmirror.ctrl, tidak menemukan log1.dat, memulai log baru dan melewati pemulihan; database tidak ditutup dengan benar, jadi perubahan yang akan diputar ulang oleh pemulihan hilang",
		},
		"derby.detail.ckpt-file-missing": {
			"%s names the checkpoint at %s, but log/log%d.dat is missing: Derby starts a new log and skips recovery, so whatever recovery would replay is lost",
			"%s menyebut checkpoint di %s, tetapi log/log%d.dat tidak ada: Derby memulai log baru dan melewati pemulihan, sehingga apa pun yang akan diputar ulang oleh pemulihan hilang",
		},
		"derby.detail.ckpt-record-missing": {
			"%s names the checkpoint at %s, but log/log%d.dat holds no checkpoint record there: Derby recovers from the wrong place",
			"%s menyebut checkpoint di %s, tetapi log/log%d.dat tidak memuat catatan checkpoint di sana: Derby memulihkan dari tempat yang salah",
		},
		"derby.detail.log1-missing": {
			"the log names no checkpoint, so Derby recovers from log/log1.dat, which is missing: it starts a new log and skips recovery",
			"log tidak menyebut checkpoint apa pun, jadi Derby memulihkan dari log/log1.dat, yang tidak ada: Derby memulai log baru dan melewati pemulihan",
		},
		"derby.detail.ctrl-refused": {
			"its checksum matches but %s: Derby refuses to boot the database",
			"checksum-nya cocok, tetapi %s: Derby menolak membuka database",
		},
		"derby.detail.ctrl-refused-unused": {
			"%s; Derby does not read it while log.ctrl is intact",
			"%s; Derby tidak membacanya selama log.ctrl masih utuh",
		},
		"derby.detail.mirror-unusable": {
			"logmirror.ctrl cannot be used (%s); Derby needs it only when log.ctrl is damaged",
			"logmirror.ctrl tidak dapat dipakai (%s); Derby hanya memerlukannya bila log.ctrl rusak",
		},
		"derby.detail.ctrl-length":   {"it is %d bytes long, not %d", "panjangnya %d byte, bukan %d"},
		"derby.detail.ctrl-zero-sum": {"its checksum is zero, which Derby accepts without checking", "checksum-nya nol, yang diterima Derby tanpa diperiksa"},
		// Why a control file cannot be used (the %s above).
		"derby.detail.ctrl-short":    {"it is %d bytes long, too short to hold a checkpoint", "panjangnya %d byte, terlalu pendek untuk memuat checkpoint"},
		"derby.detail.ctrl-checksum": {"its checksum is %#x but its bytes give %#x", "checksum-nya %#x, tetapi isinya menghasilkan %#x"},
		"derby.detail.ctrl-format":   {"its format id is %d, not %d", "format id-nya %d, bukan %d"},

		// The log files.
		"derby.detail.log-files-missing": {
			"%s missing: Derby stops reading the log before it, and the %d records of log/log%d.dat onward are lost",
			"%s tidak ada: Derby berhenti membaca log sebelum itu, dan %d catatan dari log/log%d.dat dan seterusnya hilang",
		},
		"derby.detail.log-file-one":   {"log/log%d.dat is", "log/log%d.dat"},
		"derby.detail.log-file-range": {"log/log%d.dat to log%d.dat are", "log/log%d.dat sampai log%d.dat"},
		"derby.detail.log-header":     {"Derby cannot use this log file: %s", "Derby tidak dapat memakai file log ini: %s"},
		// Why a log file's header is wrong (the %s above).
		"derby.detail.log-header-ids": {
			"its header has format id %d and file number %d",
			"header-nya memuat format id %d dan nomor file %d",
		},
		"derby.detail.log-header-short": {
			"it is %d bytes long, shorter than its %d-byte header",
			"panjangnya %d byte, lebih pendek dari header-nya yang %d byte",
		},
		"derby.detail.log-chain-prev": {
			"the header says the records of log/log%d.dat end at %s, but Derby reads them up to %s: it stops before this file, and the %d records from here on are lost",
			"header menyatakan catatan log/log%d.dat berakhir di %s, tetapi Derby membacanya sampai %s: Derby berhenti sebelum file ini, dan %d catatan mulai dari sini hilang",
		},
		"derby.detail.log-start-invalid": {
			"recovery starts reading at %s, where there is no valid log record: Derby stops there, and the %d records after it are lost",
			"pemulihan mulai membaca di %s, tempat yang tidak berisi catatan log yang sah: Derby berhenti di sana, dan %d catatan sesudahnya hilang",
		},
		"derby.detail.log-hole": {
			"the records Derby reads end at offset %d with a zero length, yet %d valid records follow further on in this file: Derby never reads them (a hole in the log, or a crash in the middle of writing the tail)",
			"catatan yang dibaca Derby berakhir di offset %d dengan panjang nol, padahal %d catatan sah menyusul lebih jauh di file ini: Derby tidak pernah membacanya (ada lubang di log, atau crash di tengah penulisan bagian akhir)",
		},
		"derby.detail.log-no-switch": {
			"this file ends without the marker Derby writes when it moves to the next log file, yet log/log%d.dat follows: Derby never reads it, and its %d records are lost",
			"file ini berakhir tanpa penanda yang ditulis Derby saat pindah ke file log berikutnya, padahal log/log%d.dat menyusul: Derby tidak pernah membacanya, dan %d catatannya hilang",
		},
		"derby.detail.log-torn-end": {
			"the log ends with a torn or damaged record at offset %d (%s): a crash in the middle of a write leaves this, and then what it held was never committed; damage that cuts the log short looks the same and loses the records after it",
			"log berakhir dengan catatan yang terpotong atau rusak di offset %d (%s): crash di tengah penulisan meninggalkan hal ini, dan isinya memang belum pernah di-commit; kerusakan yang memotong log terlihat sama dan menghilangkan catatan sesudahnya",
		},
		"derby.detail.log-torn-within": {
			"the log Derby reads ends at offset %d (%s), and %d valid records lie within the next %d KiB: a crash in the middle of a write leaves this, with nothing committed lost; damage there looks the same and loses them",
			"log yang dibaca Derby berakhir di offset %d (%s), dan %d catatan sah ada dalam %d KiB berikutnya: crash di tengah penulisan meninggalkan hal ini, tanpa kehilangan apa pun yang sudah di-commit; kerusakan di sana terlihat sama dan menghilangkan catatan itu",
		},
		"derby.detail.log-cut": {
			"the log Derby reads ends at offset %d (%s), yet valid records follow: Derby stops reading there, and the %d records after it are lost",
			"log yang dibaca Derby berakhir di offset %d (%s), padahal catatan sah menyusul: Derby berhenti membaca di sana, dan %d catatan sesudahnya hilang",
		},
		"derby.detail.log-switched": {
			"this file ends with the marker Derby writes when it moves to a new log file, but log/log%d.dat is missing: the records written there are lost",
			"file ini berakhir dengan penanda yang ditulis Derby saat pindah ke file log baru, tetapi log/log%d.dat tidak ada: catatan yang ditulis di sana hilang",
		},
		"derby.detail.log-unparsable": {
			"%d records, the first at offset %d, are framed as log records but are not records Derby can read: recovery fails on them",
			"%d catatan, yang pertama di offset %d, berbentuk catatan log tetapi tidak dapat dibaca Derby: pemulihan gagal pada catatan itu",
		},
		"derby.detail.log-trail-diff": {
			"%d records end with a length larger than the one they start with; Derby reads on past them",
			"%d catatan diakhiri panjang yang lebih besar daripada panjang di awalnya; Derby tetap membaca melewatinya",
		},
		// Where and why the records Derby reads end (the %s in the log's end above).
		"derby.detail.rec-negative":     {"the record at offset %d has a negative length", "catatan di offset %d memiliki panjang negatif"},
		"derby.detail.rec-instant-back": {"the record at offset %d has instant %s, before the end of the record it follows", "catatan di offset %d memiliki instant %s, sebelum akhir catatan sebelumnya"},
		"derby.detail.rec-instant":      {"the record at offset %d has instant %s, not %s", "catatan di offset %d memiliki instant %s, bukan %s"},
		"derby.detail.rec-trailer":      {"the record at offset %d ends with length %d, not %d", "catatan di offset %d diakhiri panjang %d, bukan %d"},
		"derby.detail.rec-past-end":     {"the record at offset %d (%d bytes) runs past the end of the file", "catatan di offset %d (%d byte) melewati akhir file"},
		"derby.detail.len-cut":          {"the file ends inside the length of a record at offset %d", "file berakhir di tengah kolom panjang catatan di offset %d"},
		"derby.detail.sum-negative":     {"the checksum record at offset %d guards a negative length", "catatan checksum di offset %d menjaga panjang negatif"},
		"derby.detail.sum-mismatch": {
			"the checksum record at offset %d does not match the %d bytes it guards (stored %#x, computed %#x)",
			"catatan checksum di offset %d tidak cocok dengan %d byte yang dijaganya (tersimpan %#x, terhitung %#x)",
		},
		"derby.detail.sum-beyond": {"the checksum record at offset %d guards bytes beyond the end of the file", "catatan checksum di offset %d menjaga byte yang melewati akhir file"},

		// The containers (seg0/c*.dat).
		"derby.detail.container-short": {
			"the file is %d bytes long, too short to hold the container header (Derby cannot open it)",
			"panjang file %d byte, terlalu pendek untuk memuat header container (Derby tidak dapat membukanya)",
		},
		"derby.detail.page-size-crc": {
			"the container header gives page size %d, which Derby never writes; the first page's CRC matches %d-byte pages",
			"header container menyebut ukuran halaman %d, yang tidak pernah ditulis Derby; CRC halaman pertama cocok dengan halaman %d byte",
		},
		"derby.detail.page-size-none": {
			"the container header gives page size %d, which Derby never writes, and no page size makes the first page's CRC match; the pages cannot be checked",
			"header container menyebut ukuran halaman %d, yang tidak pernah ditulis Derby, dan tidak ada ukuran halaman yang membuat CRC halaman pertama cocok; halaman-halamannya tidak dapat diperiksa",
		},
		"derby.detail.header-zero": {
			"the first page, which holds the container header and the allocation map, is all zeros where the header should be",
			"halaman pertama, yang memuat header container dan peta alokasi, berisi nol semua di tempat header seharusnya berada",
		},
		"derby.detail.header-checksum": {
			"the container header's checksum is %#x but its bytes give %#x (Derby marks the database corrupt when it opens this container)",
			"checksum header container adalah %#x, tetapi isinya menghasilkan %#x (Derby menandai database rusak saat membuka container ini)",
		},
		"derby.detail.header-format": {
			"the container header has format id %d, not %d (Derby refuses the container)",
			"header container memuat format id %d, bukan %d (Derby menolak container ini)",
		},
		"derby.detail.header-first-alloc": {
			"the container header puts the first allocation page at page %d, offset %d; Derby always puts it at the start",
			"header container menaruh halaman alokasi pertama di halaman %d, offset %d; Derby selalu menaruhnya di awal",
		},
		"derby.detail.first-page-zero": {
			"the first page, which holds the container header and the allocation map, is all zeros",
			"halaman pertama, yang memuat header container dan peta alokasi, berisi nol semua",
		},
		"derby.detail.chain-page-zero": {
			"page %d, which the allocation chain names as the next allocation page, is all zeros",
			"halaman %d, yang disebut rantai alokasi sebagai halaman alokasi berikutnya, berisi nol semua",
		},
		"derby.detail.page-zero": {
			"page %d is all zeros but the allocation map says it was allocated (Derby fails with XSDBB when it reads it)",
			"halaman %d berisi nol semua, padahal menurut peta alokasi halaman itu sudah dialokasikan (Derby gagal dengan XSDBB saat membacanya)",
		},
		"derby.detail.page-checksum": {
			"page %d's checksum is %#x but its bytes give %#x; %s",
			"checksum halaman %d adalah %#x, tetapi isinya menghasilkan %#x; %s",
		},
		// What a page checksum that fails means (the %s above).
		"derby.detail.page-checksum-read":        {"Derby fails with XSDG2 when it reads it", "Derby gagal dengan XSDG2 saat membacanya"},
		"derby.detail.page-checksum-unallocated": {"the page lies outside the allocated range, where Derby does not read", "halaman ini berada di luar rentang yang dialokasikan, bagian yang tidak dibaca Derby"},
		"derby.detail.alloc-unnamed": {
			"page %d is an allocation page, but the allocation chain does not name it",
			"halaman %d adalah halaman alokasi, tetapi rantai alokasi tidak menyebutnya",
		},
		"derby.detail.page-format": {
			"page %d has format id %d, neither a data page (%d) nor an allocation page (%d)",
			"halaman %d memuat format id %d, bukan halaman data (%d) maupun halaman alokasi (%d)",
		},
		"derby.detail.chain-format": {
			"page %d, which the allocation chain names, has format id %d, not an allocation page's %d",
			"halaman %d, yang disebut rantai alokasi, memuat format id %d, bukan %d seperti halaman alokasi",
		},
		"derby.detail.alloc-no-room": {
			"allocation page %d lends %d bytes to the container header, leaving no room for its extent",
			"halaman alokasi %d meminjamkan %d byte ke header container, sehingga tidak tersisa ruang untuk extent-nya",
		},
		"derby.detail.first-page-lends": {
			"the first page lends %d bytes to the container header, not %d",
			"halaman pertama meminjamkan %d byte ke header container, bukan %d",
		},
		"derby.detail.alloc-ext-start": {
			"allocation page %d manages pages from %d, not from the page after it",
			"halaman alokasi %d mengelola halaman mulai %d, bukan mulai halaman sesudahnya",
		},
		"derby.detail.alloc-ext-offset": {
			"allocation page %d puts its first page at byte %d, not at %d",
			"halaman alokasi %d menaruh halaman pertamanya di byte %d, bukan di %d",
		},
		"derby.detail.alloc-ext-length": {
			"allocation page %d says %d pages from %d are allocated, outside its range up to %d",
			"halaman alokasi %d menyatakan %d halaman mulai %d sudah dialokasikan, di luar rentangnya yang sampai %d",
		},
		"derby.detail.alloc-next-back": {
			"allocation page %d names page %d as the next allocation page, which is not after its own pages",
			"halaman alokasi %d menyebut halaman %d sebagai halaman alokasi berikutnya, padahal halaman itu tidak terletak sesudah halaman-halamannya sendiri",
		},
		"derby.detail.alloc-next-offset": {
			"allocation page %d names page %d as the next allocation page but puts it at page %d",
			"halaman alokasi %d menyebut halaman %d sebagai halaman alokasi berikutnya, tetapi menaruhnya di halaman %d",
		},
		"derby.detail.partial-page": {
			"the file is %d bytes long, not a whole number of %d-byte pages: the last %d bytes are a partial page",
			"panjang file %d byte, bukan kelipatan halaman %d byte: %d byte terakhir adalah halaman yang tidak lengkap",
		},
		"derby.detail.truncated": {
			"allocation page %d says page %d exists, but the file holds only %d whole pages: it was cut short (Derby fails with XSDG0 when it reads past the end)",
			"halaman alokasi %d menyatakan halaman %d ada, tetapi file hanya memuat %d halaman utuh: file terpotong (Derby gagal dengan XSDG0 saat membaca melewati akhirnya)",
		},

		// The real engine's proof of a scratch copy.
		"deepcheck.detail.cannot-judge":   {"the Derby engine could not judge this database: %s: %s", "mesin Derby tidak dapat menilai database ini: %s: %s"},
		"deepcheck.detail.boot":           {"the Derby engine refuses to open the database: %s", "mesin Derby menolak membuka database: %s"},
		"deepcheck.detail.boot-no-reason": {"the engine did not boot the database and gave no reason", "mesin tidak membuka database dan tidak memberi alasan"},
		"deepcheck.detail.check-table":    {"SYSCS_CHECK_TABLE failed on %s: %s", "SYSCS_CHECK_TABLE gagal pada %s: %s"},
		"deepcheck.detail.read":           {"%s cannot be read to its end (%d rows read): %s", "%s tidak dapat dibaca sampai akhir (%d baris terbaca): %s"},
		"deepcheck.detail.read-unended":   {"not read to the end", "tidak terbaca sampai akhir"},
		"deepcheck.detail.catalog":        {"the engine cannot list the tables: %s", "mesin tidak dapat membuat daftar tabel: %s"},
		"deepcheck.detail.shutdown":       {"the engine did not shut the copy down cleanly: %s", "mesin tidak menutup salinan dengan benar: %s"},
		"deepcheck.detail.log":            {"derby.log: %s", "derby.log: %s"},
		// Why the engine could not judge a database (the first %s of cannot-judge).
		"deepcheck.detail.why-newer":            {"the database was created or upgraded by a newer Derby", "database dibuat atau di-upgrade oleh Derby yang lebih baru"},
		"deepcheck.detail.why-no-upgrade":       {"this Derby cannot upgrade the database", "Derby ini tidak dapat meng-upgrade database"},
		"deepcheck.detail.why-beta":             {"the database was made by a beta Derby", "database dibuat oleh Derby versi beta"},
		"deepcheck.detail.why-encrypted":        {"the database is encrypted", "database terenkripsi"},
		"deepcheck.detail.why-no-cipher":        {"the database is encrypted and the Java runtime lacks the cipher", "database terenkripsi dan runtime Java tidak memiliki cipher-nya"},
		"deepcheck.detail.why-engine-part":      {"the Derby engine given lacks a part it needs", "mesin Derby yang diberikan tidak memiliki bagian yang diperlukannya"},
		"deepcheck.detail.why-engine-version":   {"the Derby engine given lacks its version information", "mesin Derby yang diberikan tidak memiliki informasi versinya"},
		"deepcheck.detail.why-open-elsewhere":   {"another Derby has the copy open", "Derby lain sedang membuka salinan ini"},
		"deepcheck.detail.why-scratch-full":     {"the scratch disk refused a write (full?)", "disk sementara menolak penulisan (penuh?)"},
		"deepcheck.detail.why-scratch-log":      {"the scratch disk refused a log write (full?)", "disk sementara menolak penulisan log (penuh?)"},
		"deepcheck.detail.why-interrupted":      {"the check was interrupted", "pemeriksaan terputus"},
		"deepcheck.detail.why-scratch-no-write": {"the scratch folder is not writable", "folder sementara tidak dapat ditulisi"},
	} {
		messages[k] = v
	}
}
