package i18n

// Messages of "efbackup migrate": moving db/ from an old e-Faktur install
// into a new one, and --undo. docs/migration.md explains each of them.
func init() {
	for k, v := range map[string]msg{
		// The command and its flags.
		"migrate.usage": {
			"move db/ from an old e-Faktur install (3.x) into a new one (4.0), verified, crash-safe and reversible",
			"pindahkan db/ dari instalasi e-Faktur lama (3.x) ke instalasi baru (4.0), terverifikasi, aman dari crash dan bisa dibatalkan",
		},
		"migrate.flag.from":         {"e-Faktur version of the source install (3.0, 3.1, 3.2)", "versi e-Faktur instalasi sumber (3.0, 3.1, 3.2)"},
		"migrate.flag.to":           {"e-Faktur version of the target install (3.1, 3.2, 4.0)", "versi e-Faktur instalasi tujuan (3.1, 3.2, 4.0)"},
		"migrate.flag.source":       {"the old install folder, whose db/ is copied (it is never written)", "folder instalasi lama yang db/-nya disalin (tidak pernah ditulisi)"},
		"migrate.flag.target":       {"the new install folder, which receives db/ (an existing db/ is kept aside)", "folder instalasi baru yang menerima db/ (db/ yang sudah ada disimpan di samping)"},
		"migrate.flag.snapshotdir":  {"folder for the safety snapshots (default $EFBACKUP_OUT, else efbackup-snapshots beside the source install)", "folder untuk snapshot pengaman (bawaan $EFBACKUP_OUT, atau efbackup-snapshots di samping instalasi sumber)"},
		"migrate.flag.dryrun":       {"run the preflight, print the plan, and write nothing at all", "jalankan pemeriksaan awal, tampilkan rencana, dan jangan tulis apa pun"},
		"migrate.flag.allowdamaged": {"migrate even when the database checks find the source damaged", "tetap migrasi walaupun pemeriksaan database menemukan sumber rusak"},
		"migrate.flag.undo":         {"put the target back as it was before the last migration into it (with --target)", "kembalikan tujuan seperti sebelum migrasi terakhir ke sana (dengan --target)"},

		// Command-line mistakes.
		"migrate.err.need":      {"say what to migrate: --from VERSION --to VERSION --source OLD_INSTALL --target NEW_INSTALL", "sebutkan yang dimigrasi: --from VERSI --to VERSI --source INSTALASI_LAMA --target INSTALASI_BARU"},
		"migrate.err.undoneeds": {"--undo needs --target NEW_INSTALL", "--undo memerlukan --target INSTALASI_BARU"},
		"migrate.err.undoflags": {"--undo takes only --target (and --dry-run), not %s", "--undo hanya menerima --target (dan --dry-run), bukan %s"},

		// Versions.
		"migrate.err.version.unknown":      {"unknown e-Faktur version %q for the %s; supported migrations: %s", "versi e-Faktur %q untuk %s tidak dikenal; migrasi yang didukung: %s"},
		"migrate.err.version.downgrade":    {"migrating from %s to %s is a downgrade: an older e-Faktur cannot open a newer database", "migrasi dari %s ke %s adalah penurunan versi: e-Faktur lama tidak dapat membuka database yang lebih baru"},
		"migrate.err.version.same":         {"--from and --to are both %s: there is nothing to migrate", "--from dan --to sama-sama %s: tidak ada yang perlu dimigrasi"},
		"migrate.err.version.unsupported":  {"migrating from %s to %s is not supported; supported migrations: %s", "migrasi dari %s ke %s tidak didukung; migrasi yang didukung: %s"},
		"migrate.err.version.contradicted": {"the %s install %s is e-Faktur %s (says %s), not %s as stated", "instalasi %s %s adalah e-Faktur %s (menurut %s), bukan %s seperti yang disebutkan"},
		"migrate.hint.version":             {"check --from and --to against the installs; nothing was changed", "periksa --from dan --to terhadap instalasinya; tidak ada yang diubah"},
		"migrate.side.source":              {"source", "sumber"},
		"migrate.side.target":              {"target", "tujuan"},

		// Folders.
		"migrate.err.folder.same":           {"the source and the target are the same folder (%s)", "sumber dan tujuan adalah folder yang sama (%s)"},
		"migrate.err.folder.targetinsource": {"the target %s is inside the source %s", "tujuan %s berada di dalam sumber %s"},
		"migrate.err.folder.sourceintarget": {"the source %s is inside the target %s", "sumber %s berada di dalam tujuan %s"},
		"migrate.err.folder.nosourcedb":     {"the source %s has no db folder: there is nothing to migrate", "sumber %s tidak memiliki folder db: tidak ada yang bisa dimigrasi"},
		"migrate.err.folder.snapinsidedb":   {"the snapshot folder %s is inside the database folder %s", "folder snapshot %s berada di dalam folder database %s"},
		"migrate.err.folder.snapnotdir":     {"the snapshot folder %s exists and is not a folder", "folder snapshot %s sudah ada dan bukan folder"},
		"migrate.err.folder.targetdbfile":   {"%s exists and is not a folder", "%s sudah ada dan bukan folder"},
		"migrate.hint.folders": {
			"unpack the new version into its own folder, next to the old one (not inside it), and give both folders; nothing was changed",
			"ekstrak versi baru ke foldernya sendiri, di samping folder lama (bukan di dalamnya), lalu berikan kedua folder itu; tidak ada yang diubah",
		},

		// Free space.
		"migrate.err.space": {
			"not enough free space in %s: the migration needs %s (%s) and %s is free; nothing was changed",
			"ruang kosong di %s tidak cukup: migrasi memerlukan %s (%s) dan yang tersedia %s; tidak ada yang diubah",
		},
		"migrate.space.snapshots": {"safety snapshots at most %s", "snapshot pengaman paling banyak %s"},
		"migrate.space.staged":    {"staged copy %s", "salinan sementara %s"},
		"migrate.space.margin":    {"margin %s", "cadangan %s"},
		"migrate.hint.space": {
			"free space on that disk, or put the safety snapshots on another disk with --snapshot-dir",
			"kosongkan ruang di disk itu, atau simpan snapshot pengaman di disk lain dengan --snapshot-dir",
		},

		// A damaged source.
		"migrate.err.damaged": {
			"the source database is damaged (%s): it was not migrated; its safety snapshot is kept at %s and the target was not changed",
			"database sumber rusak (%s): tidak dimigrasi; snapshot pengamannya disimpan di %s dan tujuan tidak diubah",
		},
		"migrate.err.damageddry": {
			"the source database is damaged (%s): the migration would stop here",
			"database sumber rusak (%s): migrasi akan berhenti di sini",
		},
		"migrate.hint.damaged": {
			"repair the old install first (restore its last good snapshot, or ask the KPP), or migrate it as it is with --allow-damaged",
			"perbaiki instalasi lama dahulu (pulihkan snapshot baiknya yang terakhir, atau minta ke KPP), atau migrasikan apa adanya dengan --allow-damaged",
		},

		// The journal.
		"migrate.err.journal.other": {
			"%s already holds another migration (%s→%s from %s, %s)",
			"%s sudah berisi migrasi lain (%s→%s dari %s, %s)",
		},
		"migrate.hint.journal.other": {
			"finish that migration by running it again, or put the target back with 'efbackup migrate --undo --target %s'",
			"selesaikan migrasi itu dengan menjalankannya lagi, atau kembalikan tujuan dengan 'efbackup migrate --undo --target %s'",
		},
		"migrate.err.journal.undoing": {"an undo in %s was interrupted", "pembatalan di %s terhenti di tengah jalan"},
		"migrate.hint.journal.undoing": {
			"run 'efbackup migrate --undo --target %s' again to finish it",
			"jalankan lagi 'efbackup migrate --undo --target %s' untuk menyelesaikannya",
		},
		"migrate.err.journal.nothing":     {"nothing to undo in %s: it holds no migration journal (efbackup has not migrated into it, or the migration was undone already)", "tidak ada yang bisa dibatalkan di %s: tidak ada jurnal migrasi (efbackup belum pernah memigrasi ke sana, atau migrasinya sudah dibatalkan)"},
		"migrate.hint.journal.nothing":    {"check the folder given with --target; nothing was changed", "periksa folder yang diberikan dengan --target; tidak ada yang diubah"},
		"migrate.err.journal.done":        {"%s already received this migration (finished %s), and the source changed since", "%s sudah menerima migrasi ini (selesai %s), dan sumbernya berubah sejak itu"},
		"migrate.hint.journal.done":       {"to migrate the source's current data, undo first with 'efbackup migrate --undo --target %s' (the migrated db/ is kept aside, not deleted), then migrate again", "untuk memigrasi data sumber yang sekarang, batalkan dahulu dengan 'efbackup migrate --undo --target %s' (db/ hasil migrasi disimpan di samping, tidak dihapus), lalu migrasi lagi"},
		"migrate.err.journal.foreign":     {"a db folder appeared in %s that efbackup did not put there (was e-Faktur started in the new folder?)", "muncul folder db di %s yang tidak ditaruh oleh efbackup (apakah e-Faktur dijalankan di folder baru?)"},
		"migrate.hint.journal.foreign":    {"run 'efbackup migrate --undo --target %s' to remove what efbackup left, then decide about that db/ and migrate again", "jalankan 'efbackup migrate --undo --target %s' untuk menghapus sisa efbackup, lalu putuskan soal db/ itu dan migrasi lagi"},
		"migrate.err.journal.odd":         {"the folders in %s do not match its migration journal (%s); efbackup changed nothing", "folder di %s tidak sesuai dengan jurnal migrasinya (%s); efbackup tidak mengubah apa pun"},
		"migrate.err.journal.unreadable":  {"the migration journal %s cannot be used (%s); efbackup changed nothing", "jurnal migrasi %s tidak dapat dipakai (%s); efbackup tidak mengubah apa pun"},
		"migrate.err.journal.srcchanged":  {"the source changed after the interrupted migration had started to swap folders (%s)", "sumber berubah setelah migrasi yang terhenti mulai menukar folder (%s)"},
		"migrate.hint.journal.srcchanged": {"close e-Faktur, run 'efbackup migrate --undo --target %s', then migrate again", "tutup e-Faktur, jalankan 'efbackup migrate --undo --target %s', lalu migrasi lagi"},
		"migrate.hint.journal.odd":        {"compare the folders with %s, and keep every folder: none holds only junk", "bandingkan folder-folder itu dengan %s, dan simpan semuanya: tidak ada yang hanya berisi sampah"},

		// What a failure left behind.
		"migrate.failed.clean": {
			"the migration stopped at step %q: the staging folder and the journal were removed, and the target is exactly as it was",
			"migrasi berhenti pada langkah %q: folder sementara dan jurnal sudah dihapus, dan tujuan persis seperti semula",
		},
		"migrate.failed.rolledback": {
			"the migration stopped at step %q: the original db/ was put back, and the migrated copy is kept at %s",
			"migrasi berhenti pada langkah %q: db/ asli sudah dikembalikan, dan salinan hasil migrasi disimpan di %s",
		},
		"migrate.failed.left": {
			"the migration stopped at step %q; the journal in %s records where everything is",
			"migrasi berhenti pada langkah %q; jurnal di %s mencatat letak semuanya",
		},
		"migrate.failed.leftreport": {
			"the new db/ is in place and verified, but the report could not be written; run the same command again to finish, or undo with 'efbackup migrate --undo --target %s'",
			"db/ baru sudah terpasang dan terverifikasi, tetapi laporan tidak dapat ditulis; jalankan perintah yang sama lagi untuk menyelesaikan, atau batalkan dengan 'efbackup migrate --undo --target %s'",
		},
		"migrate.failed.snapshots": {"safety snapshots (kept): %s", "snapshot pengaman (disimpan): %s"},
		"migrate.err.step":         {"step %q failed: %s", "langkah %q gagal: %s"},
		"migrate.hint.step":        {"fix the cause named above, then run the same command again", "perbaiki penyebab di atas, lalu jalankan perintah yang sama lagi"},
		"migrate.hint.nospace":     {"the disk is full: free space on it, then run the same command again", "disk penuh: kosongkan ruang di disk itu, lalu jalankan perintah yang sama lagi"},
		"migrate.hint.permission":  {"permission denied: run as a user who may read the old folder and write the new one and the snapshot folder", "akses ditolak: jalankan sebagai pengguna yang boleh membaca folder lama serta menulis folder baru dan folder snapshot"},
		"migrate.inuse.changed":    {"%s changed while it was being migrated (%s)", "%s berubah saat sedang dimigrasi (%s)"},

		// Steps, as the log and the report name them.
		"migrate.step.preflight":       {"preflight", "pemeriksaan awal"},
		"migrate.step.snapshot-source": {"safety snapshot of the source", "snapshot pengaman sumber"},
		"migrate.step.snapshot-target": {"safety snapshot of the target's db/", "snapshot pengaman db/ tujuan"},
		"migrate.step.stage":           {"staged copy", "salinan sementara"},
		"migrate.step.swap":            {"swap", "pertukaran folder"},
		"migrate.step.post-check":      {"post-check", "pemeriksaan akhir"},
		"migrate.step.report":          {"report", "laporan"},
		"migrate.step.undo":            {"undo", "pembatalan"},
		"migrate.log.start":            {"step %d/6: %s", "langkah %d/6: %s"},
		"migrate.log.end":              {"step %d/6: %s: %s (%.1f s)", "langkah %d/6: %s: %s (%.1f detik)"},
		"migrate.status.ok":            {"done", "selesai"},
		"migrate.status.skipped":       {"reused from the interrupted run", "memakai hasil proses yang terhenti"},
		"migrate.status.failed":        {"FAILED", "GAGAL"},
		"migrate.status.started":       {"started, not finished", "dimulai, belum selesai"},
		"progress.migrate":             {"migrate: %s", "migrasi: %s"},

		// Warnings.
		"migrate.warn.version": {
			"the %s install %s shows no e-Faktur version; trusting the stated %s",
			"instalasi %s %s tidak menunjukkan versi e-Faktur; memakai versi yang disebutkan, %s",
		},
		"migrate.warn.damagedallowed": {
			"the source database is damaged (%s); --allow-damaged was given, so it is migrated as it is",
			"database sumber rusak (%s); --allow-damaged diberikan, jadi dimigrasi apa adanya",
		},
		"migrate.warn.checks": {"the database checks found something unusual in %s: %s", "pemeriksaan database menemukan hal yang tidak biasa di %s: %s"},
		"migrate.warn.empty":  {"the source db/ folder %s is empty", "folder db/ sumber %s kosong"},
		"migrate.resume": {
			"found an unfinished migration into this folder (started %s, last step %q: %s); finishing it",
			"ditemukan migrasi yang belum selesai ke folder ini (dimulai %s, langkah terakhir %q: %s); menyelesaikannya",
		},

		// The plan (--dry-run).
		"migrate.plan":            {"plan: migrate e-Faktur %s to %s", "rencana: migrasi e-Faktur %s ke %s"},
		"migrate.plan.source":     {"source: %s (e-Faktur %s): db/ holds %d files, %s; it is only read", "sumber: %s (e-Faktur %s): db/ berisi %d file, %s; hanya dibaca"},
		"migrate.plan.target":     {"target: %s (e-Faktur %s)", "tujuan: %s (e-Faktur %s)"},
		"migrate.plan.targetdb":   {"its db/ (%d files, %s) is kept aside as %s, never merged or deleted", "db/-nya (%d file, %s) disimpan di samping sebagai %s, tidak digabung atau dihapus"},
		"migrate.plan.targetnodb": {"it has no db/ yet", "belum memiliki db/"},
		"migrate.plan.snapdir":    {"safety snapshots into %s", "snapshot pengaman ke %s"},
		"migrate.plan.snapdirnew": {"safety snapshots into %s (to be created)", "snapshot pengaman ke %s (akan dibuat)"},
		"migrate.plan.snapshot":   {"  %s", "  %s"},
		"migrate.plan.staging":    {"staged copy, verified byte for byte before it becomes db/: %s", "salinan sementara, diverifikasi byte demi byte sebelum menjadi db/: %s"},
		"migrate.plan.space":      {"free space in %s: %s free, %s needed (%s)", "ruang kosong di %s: tersedia %s, diperlukan %s (%s)"},
		"migrate.plan.checks":     {"database checks of the source: %s", "pemeriksaan database sumber: %s"},
		"migrate.plan.report":     {"report: %s", "laporan: %s"},
		"migrate.plan.resume":     {"an unfinished migration was found (%s); the real run finishes it", "ditemukan migrasi yang belum selesai (%s); proses sebenarnya akan menyelesaikannya"},
		"migrate.plan.nothing":    {"dry run: nothing was changed", "uji coba: tidak ada yang diubah"},

		// Done.
		"migrate.done":          {"migrated %s into %s (e-Faktur %s to %s)", "%s dimigrasi ke %s (e-Faktur %s ke %s)"},
		"migrate.already":       {"%s already received this migration from %s (finished %s); nothing to do", "%s sudah menerima migrasi ini dari %s (selesai %s); tidak ada yang perlu dilakukan"},
		"migrate.done.files":    {"db/: %d files, %s, byte-identical to the source (content %s)", "db/: %d file, %s, sama persis dengan sumber (konten %s)"},
		"migrate.done.aside":    {"the target's previous db/ is kept at %s", "db/ tujuan sebelumnya disimpan di %s"},
		"migrate.done.snapshot": {"safety snapshot: %s", "snapshot pengaman: %s"},
		"migrate.done.report":   {"report: %s", "laporan: %s"},
		"migrate.next":          {"next steps (DJP's procedure):", "langkah berikutnya (prosedur DJP):"},
		"migrate.next.updater": {
			"run %s once in %s and wait until it finishes: it brings the database up to the new version",
			"jalankan %s sekali di %s dan tunggu sampai selesai: program ini memperbarui database ke versi baru",
		},
		"migrate.next.rename": {
			"then rename %s (for example to %s), as DJP advises, so that it does not run at every start",
			"lalu ganti nama %s (misalnya menjadi %s), seperti saran DJP, agar tidak berjalan setiap kali aplikasi dibuka",
		},
		"migrate.next.login": {"start %s and log in", "jalankan %s dan login"},
		"migrate.next.keep": {
			"keep the old folder %s as it is until the first successful login in the new one",
			"simpan folder lama %s apa adanya sampai berhasil login pertama kali di folder baru",
		},
		"migrate.next.undo": {
			"if something goes wrong before then: efbackup migrate --undo --target \"%s\"",
			"jika ada masalah sebelum itu: efbackup migrate --undo --target \"%s\"",
		},

		// The text report.
		"migrate.report.title":    {"efbackup migration report %s", "laporan migrasi efbackup %s"},
		"migrate.report.versions": {"e-Faktur %s to %s", "e-Faktur %s ke %s"},
		"migrate.report.source":   {"source: %s (content %s)", "sumber: %s (konten %s)"},
		"migrate.report.target":   {"target: %s", "tujuan: %s"},
		"migrate.report.steps":    {"steps:", "langkah:"},
		"migrate.report.step":     {"  %-40s %-8s %6.1f s  %s", "  %-40s %-8s %6.1f dtk  %s"},

		// Undo.
		"migrate.undo.found": {
			"the journal shows a migration from %s (%s→%s, %s): %s, last step %q (%s)",
			"jurnal menunjukkan migrasi dari %s (%s→%s, %s): %s, langkah terakhir %q (%s)",
		},
		"migrate.undo.state.running":   {"interrupted", "terhenti"},
		"migrate.undo.state.done":      {"finished", "selesai"},
		"migrate.undo.state.undoing":   {"an undo was interrupted", "pembatalan terhenti"},
		"migrate.undo.done":            {"undone: %s is back as it was before the migration", "dibatalkan: %s kembali seperti sebelum migrasi"},
		"migrate.undo.plan":            {"plan: undo the migration into %s", "rencana: batalkan migrasi ke %s"},
		"migrate.undo.restored":        {"db/ is the original again", "db/ kembali yang asli"},
		"migrate.undo.nodb":            {"there was no db/ before the migration, and there is none now", "sebelum migrasi tidak ada db/, dan sekarang juga tidak ada"},
		"migrate.undo.kept":            {"the migrated db/ is kept at %s (it may hold work done in the new version; delete it yourself when sure)", "db/ hasil migrasi disimpan di %s (mungkin berisi pekerjaan di versi baru; hapus sendiri bila sudah yakin)"},
		"migrate.undo.action.exchange": {"exchange %s and %s", "tukar %s dan %s"},
		"migrate.undo.action.rename":   {"rename %s to %s", "ganti nama %s menjadi %s"},
		"migrate.undo.action.remove":   {"remove the unused staged copy %s", "hapus salinan sementara %s yang tidak terpakai"},
		"migrate.undo.snapshots":       {"safety snapshots (kept): %s", "snapshot pengaman (disimpan): %s"},
	} {
		messages[k] = v
	}
}
